//! Signing in and out, sessions, and creating accounts.
//!
//! Policy: passwords are hashed with argon2id (never stored or logged in plain text); session
//! tokens are 256 random bits, stored only as their SHA-256; every sign-in, failed sign-in and
//! sign-out is written to the audit log. A failed sign-in gives one message whether or not the
//! account exists, and the same work is done in both cases.

use crate::db::audit::{self, AuditEntry};
use crate::db::users::{self, NewUser};
use crate::db::{sessions, Db};
use crate::domain::account::{check_new_password, SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS};
use crate::domain::{Email, OrgCode, Role};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::CurrentUser;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The message for every failed sign-in: it never says whether the account exists.
pub const SIGN_IN_FAILED: &str = "Enter a correct email address and password";

/// Seconds since 1970, UTC.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// At most this many passwords are hashed or checked at once (one per core, at least two): each
/// takes argon2's ~19 MiB, so a burst of sign-ins queues instead of growing the server's memory.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    tokio::sync::Semaphore::new(cores.max(2))
});

/// Hashes a password with argon2id and a random salt (on a blocking thread: it is slow on purpose).
#[tracing::instrument(skip_all)]
pub async fn hash_password(password: String) -> Result<String, AppError> {
    let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

async fn verify_password(password: String, stored_hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored_hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a password nobody has, verified when the account does not exist so that a
/// failed sign-in costs the same either way.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"decoy password nobody has", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// A new random session token (URL-safe base64 of 32 random bytes).
fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub use crate::access::Client;

fn entry(action: AuditAction, at: i64, client: &Client) -> AuditEntry {
    AuditEntry::unattributed(&client.addr, action, "session").at(at)
}

/// A key with no sign-in attempt for this long starts again from its first attempt.
const QUIET_RESET_SECONDS: i64 = 60 * 60;

/// Counts this attempt against the client address, then the account, before any password is
/// checked; refuses (nothing checked) while either is locked, saying for how long.
async fn reserve_attempt(db: &Db, keys: &[String], now: i64) -> Result<(), AppError> {
    for key in keys {
        if !sessions::reserve_attempt(db.pool(), key, now, QUIET_RESET_SECONDS).await? {
            let (_, locked_until) = sessions::throttle(db.pool(), key).await?;
            let minutes = (locked_until - now + 59).max(60) / 60;
            return Err(AppError::Throttled(format!(
                "Too many failed sign-ins. Wait {minutes} minute{} and try again.",
                if minutes == 1 { "" } else { "s" }
            )));
        }
    }
    Ok(())
}

/// Signs in: returns a new session token and the user, or the one generic failure.
#[tracing::instrument(skip_all, fields(client = %client.addr))]
pub async fn login(
    db: &Db,
    email_text: &str,
    password: &str,
    client: &Client,
    now: i64,
) -> Result<(String, CurrentUser), AppError> {
    let attempted = email_text.trim().to_lowercase();
    // Per address and per account: an attacker locks only their own address and the accounts
    // they guess at, never everyone (issue 15). The attempt is counted before the password is
    // checked, so parallel guesses get no more checks than the free ones.
    let (addr_key, account_key) = (
        format!("addr:{}", client.addr),
        format!("account:{attempted}"),
    );
    reserve_attempt(db, &[addr_key.clone(), account_key.clone()], now).await?;

    let user = match attempted.parse::<Email>() {
        Ok(email) if password.chars().count() <= crate::domain::account::MAX_PASSWORD_LEN => {
            users::find_by_email(db.pool(), &email).await?
        }
        _ => None,
    };
    let stored = user
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |u| u.password_hash.clone());
    let password_ok = verify_password(password.to_owned(), stored).await;
    let signed_in = user.filter(|u| password_ok && !u.disabled);

    let Some(user) = signed_in else {
        let mut failed = entry(AuditAction::LoginFailed, now, client);
        failed.actor_email = Some(attempted.chars().take(254).collect());
        audit::record_now(db.pool(), &failed).await?;
        return Err(AppError::validation("email", SIGN_IN_FAILED));
    };

    // A success resets the account's count and forgives this attempt from the address's.
    sessions::clear_throttle(db.pool(), &account_key).await?;
    sessions::forgive_attempt(db.pool(), &addr_key, now).await?;
    let token = new_token();
    sessions::insert(
        db.pool(),
        &token_hash(&token),
        user.id,
        now,
        now + SESSION_ABSOLUTE_SECONDS,
    )
    .await?;
    let mut signed = entry(AuditAction::Login, now, client);
    signed.actor_user_id = Some(user.id);
    signed.actor_email = Some(user.email.clone());
    audit::record_now(db.pool(), &signed).await?;
    let current = users::current_user(db.pool(), user.id)
        .await?
        .ok_or_else(|| AppError::internal("a user vanished while signing in"))?;
    Ok((token, current))
}

/// The user a session token belongs to, if the session is live. An expired session is ended.
#[tracing::instrument(skip_all)]
pub async fn resolve_session(
    db: &Db,
    token: &str,
    now: i64,
) -> Result<Option<CurrentUser>, AppError> {
    let hash = token_hash(token);
    let Some(session) = sessions::find(db.pool(), &hash).await? else {
        return Ok(None);
    };
    if now > session.expires_at || now - session.last_seen_at > SESSION_IDLE_SECONDS {
        sessions::delete(db.pool(), &hash).await?;
        return Ok(None);
    }
    // Write at most once a minute per session: enough for idle expiry, cheap for the database.
    if now - session.last_seen_at >= 60 {
        sessions::touch(db.pool(), &hash, now).await?;
    }
    Ok(users::current_user(db.pool(), session.user_id).await?)
}

/// Signs out: ends the session everywhere (it is stored in the shared database).
#[tracing::instrument(skip_all)]
pub async fn logout(
    db: &Db,
    token: &str,
    user: Option<&CurrentUser>,
    client: &Client,
    now: i64,
) -> Result<(), AppError> {
    if sessions::delete(db.pool(), &token_hash(token)).await? {
        let mut e = entry(AuditAction::Logout, now, client);
        e.actor_user_id = user.map(|u| u.id);
        e.actor_email = user.map(|u| u.email.clone());
        audit::record_now(db.pool(), &e).await?;
    }
    Ok(())
}

/// A new account, from the CLI or an admin.
pub struct CreateUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub organisations: Vec<String>,
    pub password: String,
}

/// Creates an account with its memberships, in one transaction with its audit row.
/// `actor` is the admin doing it, or `None` for the command line.
#[tracing::instrument(skip_all, fields(?actor))]
pub async fn create_user(
    db: &Db,
    new: CreateUser,
    actor: Option<&CurrentUser>,
    client: &Client,
) -> Result<i64, AppError> {
    let email: Email = new.email.parse()?;
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "Enter a name of 1 to 100 characters",
        ));
    }
    check_new_password(&new.password)?;
    let orgs = new
        .organisations
        .iter()
        .map(|c| c.parse::<OrgCode>())
        .collect::<Result<Vec<_>, _>>()?;
    if new.role == Role::Officer && orgs.is_empty() {
        return Err(AppError::validation(
            "organisations",
            "An officer must belong to at least one organisation",
        ));
    }
    let hash = hash_password(new.password).await?;
    let now = now();
    let mut tx = db.begin().await?;
    let id = users::insert(
        &mut tx,
        &NewUser {
            email: &email,
            display_name,
            role: new.role,
            password_hash: &hash,
            now,
        },
    )
    .await
    .map_err(|e| {
        if e.is_unique_violation() {
            AppError::Conflict(format!("An account for {email} already exists"))
        } else {
            e.into()
        }
    })?;
    for org in &orgs {
        users::add_membership(&mut tx, id, org)
            .await
            .map_err(|e| match e {
                crate::db::DbError::Corrupt(_) => AppError::validation(
                    "organisations",
                    format!("No organisation has the code {org}"),
                ),
                other => other.into(),
            })?;
    }
    let after = serde_json::json!({
        "email": email.as_str(), "name": display_name, "role": new.role.code(),
        "organisations": orgs.iter().map(OrgCode::as_str).collect::<Vec<_>>(),
    });
    audit::record(
        &mut tx,
        &AuditEntry {
            at: now,
            actor_user_id: actor.map(|a| a.id),
            actor_email: actor.map(|a| a.email.clone()),
            action: AuditAction::UserCreated,
            entity_type: "user".into(),
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(after),
            client_addr: Some(client.addr.clone()),
        },
    )
    .await?;
    tx.commit().await.map_err(crate::db::DbError::from)?;
    Ok(id)
}

/// A password of 20 random letters and digits, for demo and first accounts (shown once).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0_u8; 20];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_hex_sha256_and_tokens_are_unique() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 bytes in unpadded base64");
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn generated_passwords_meet_the_rule() {
        let p = generate_password();
        assert!(check_new_password(&p).is_ok());
        assert_ne!(p, generate_password());
    }
}
