//! Accounts: roles, e-mail addresses, the password rule, and the session and throttling policy.
//!
//! Policy: who may do what is decided by `Role` and organisation membership alone (issue 3).
//! The numbers here are the service's security policy; change them here, with a reason.

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a signed-in person may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    /// The programme office: administers users and reference data; reads everything.
    Admin,
    /// The programme board: reads everything; approves or returns returns.
    Board,
    /// A finance officer: reads and writes only the organisations they belong to.
    Officer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Board, Role::Officer];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Board => "board",
            Role::Officer => "officer",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "Programme office (admin)",
            Role::Board => "Programme board",
            Role::Officer => "Finance officer",
        }
    }

    /// Board and admin read every organisation's data; an officer only their own.
    pub fn reads_all_organisations(self) -> bool {
        matches!(self, Role::Admin | Role::Board)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| ParseError::new("role", text, "admin, board or officer"))
    }
}

impl TryFrom<String> for Role {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Role> for String {
    fn from(value: Role) -> Self {
        value.code().to_owned()
    }
}

/// An e-mail address used to sign in: trimmed and lower-cased, so one person has one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let email = text.trim().to_lowercase();
        let valid = email.len() <= Self::MAX_LEN
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.contains('@')
            });
        if valid {
            Ok(Email(email))
        } else {
            Err(ParseError::new(
                "email",
                text,
                "an email address like name@example.gov.scot",
            ))
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

/// The shortest password accepted (NCSC guidance favours length over complexity rules).
pub const MIN_PASSWORD_LEN: usize = 12;
/// The longest password accepted, which bounds the hashing work one request can cause.
pub const MAX_PASSWORD_LEN: usize = 128;

/// Checks a new password against the length rule.
pub fn check_new_password(password: &str) -> Result<(), ParseError> {
    let length = password.chars().count();
    if (MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&length) {
        Ok(())
    } else {
        Err(ParseError::new(
            "password",
            "(not shown)",
            "a password of 12 to 128 characters",
        ))
    }
}

/// A session ends after this long without a request…
pub const SESSION_IDLE_SECONDS: i64 = 30 * 60;
/// …and in any case this long after sign-in (a working day).
pub const SESSION_ABSOLUTE_SECONDS: i64 = 10 * 60 * 60;

/// Failed sign-ins allowed before a key (an account or a client address) is locked.
pub const FREE_LOGIN_FAILURES: i64 = 5;
/// The longest lock.
pub const MAX_LOCK_SECONDS: i64 = 60 * 60;

/// How long a key is locked after its `failures`-th consecutive failure: nothing for the first
/// five, then 30 s doubling each time, at most an hour (exponential back-off).
pub fn lock_seconds(failures: i64) -> i64 {
    if failures < FREE_LOGIN_FAILURES {
        return 0;
    }
    let doublings = u32::try_from(failures - FREE_LOGIN_FAILURES)
        .unwrap_or(u32::MAX)
        .min(16);
    30_i64
        .saturating_mul(1_i64 << doublings)
        .min(MAX_LOCK_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn roles_parse_from_their_codes() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
        }
        assert!("superuser".parse::<Role>().is_err());
        assert!(Role::Board.reads_all_organisations() && !Role::Officer.reads_all_organisations());
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            "  Jo.Bloggs@Fife.GOV.uk "
                .parse::<Email>()
                .unwrap()
                .as_str(),
            "jo.bloggs@fife.gov.uk"
        );
        for bad in [
            "",
            "jo",
            "@fife.gov.uk",
            "jo@fife",
            "jo @fife.gov.uk",
            "a@b@c.uk",
        ] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_must_be_long_enough() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
        assert!(check_new_password(&"x".repeat(129)).is_err());
        assert!(
            !check_new_password("short")
                .unwrap_err()
                .to_string()
                .contains("short"),
            "never echoed"
        );
    }

    #[test]
    fn locks_back_off_exponentially_to_an_hour() {
        assert_eq!((0..5).map(lock_seconds).collect::<Vec<_>>(), vec![0; 5]);
        assert_eq!(lock_seconds(5), 30);
        assert_eq!(lock_seconds(6), 60);
        assert_eq!(lock_seconds(7), 120);
        assert_eq!(lock_seconds(100), MAX_LOCK_SECONDS);
    }

    proptest! {
        #[test]
        fn locks_never_shrink_as_failures_grow(n in 0_i64..10_000) {
            prop_assert!(lock_seconds(n + 1) >= lock_seconds(n));
            prop_assert!(lock_seconds(n) <= MAX_LOCK_SECONDS);
        }
    }
}
