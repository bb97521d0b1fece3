//! The national trajectory and the engine's settings (programme office).

use crate::access::{Office, ReadAll};
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store};
use crate::db::{Db, DbError};
use crate::domain::savings::ApportionMethod;
use crate::domain::spend_line::FieldError;
use crate::domain::Money;
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::savings::*;
use crate::services::auth::now;
use std::collections::HashMap;

// ---------------------------------------------------------------- trajectory and settings

/// The trajectory profiles and the engine's settings (everyone signed in as board or admin).
#[tracing::instrument(skip_all, fields(user = all.user().id))]
pub async fn targets_page(db: &Db, all: &ReadAll<'_>) -> Result<TargetsPage, AppError> {
    let actor = all.actor();
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let rows = store::trajectory(&mut conn).await?;
    let mut profiles: Vec<ProfileView> = Vec::new();
    for (profile, year, amount, source) in rows {
        if profiles.last().is_none_or(|p| p.name != profile) {
            profiles.push(ProfileView {
                name: profile.clone(),
                years: Vec::new(),
            });
        }
        if let Some(p) = profiles.last_mut() {
            let running = p.years.last().map_or(Money::ZERO, |y| y.2);
            p.years.push((
                year,
                amount,
                running.checked_add(amount).unwrap_or(running),
                source,
            ));
        }
    }
    Ok(TargetsPage {
        profile: store::setting(&mut conn, "profile")
            .await?
            .unwrap_or_else(|| "low".into()),
        method: store::setting(&mut conn, "method")
            .await?
            .and_then(|m| ApportionMethod::parse(&m))
            .unwrap_or(ApportionMethod::ReviewNationalShare),
        profiles,
        may_edit: actor.is_office(),
    })
}

/// Saves the trajectory and settings (admins): `profile`, `method`, and
/// `target-PROFILE-YEAR` in whole or decimal pounds for each year shown.
#[tracing::instrument(skip_all, fields(user = office.user().id))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn save_targets(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    let mut conn = db.begin().await?;
    let current = store::trajectory(&mut conn).await?;
    let mut errors = Vec::new();
    let profile = form
        .get("profile")
        .map(|p| p.trim().to_owned())
        .unwrap_or_default();
    if !current.iter().any(|t| t.0 == profile) {
        errors.push(FieldError {
            field: "profile".into(),
            message: "Profile: choose one of the trajectory's profiles".into(),
        });
    }
    let method = form.get("method").and_then(|m| ApportionMethod::parse(m));
    if method.is_none() {
        errors.push(FieldError {
            field: "method".into(),
            message: "Method: choose how targets are apportioned".into(),
        });
    }
    let mut changes = Vec::new();
    for (name, year, amount, source) in &current {
        let field = format!("target-{name}-{year}");
        let Some(text) = form.get(&field) else {
            continue;
        };
        match Money::parse(text) {
            Ok(m) if m.is_negative() => errors.push(FieldError {
                field,
                message: format!("{name} {year}: a target cannot be negative"),
            }),
            Ok(m) if m != *amount => {
                changes.push((name.clone(), *year, *amount, m, source.clone()))
            }
            Ok(_) => {}
            Err(e) => errors.push(FieldError {
                field,
                message: format!("{name} {year}: {e}"),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        });
    }
    let method = method.unwrap_or(ApportionMethod::ReviewNationalShare);
    let at = now();
    for (name, year, before, after, source) in &changes {
        let source = if source.starts_with("Edited") {
            source.clone()
        } else {
            format!("Edited by the programme office (was: {source})")
        };
        store::set_target(&mut conn, name, *year, *after, &source, at, user.id).await?;
        audit::record(
            &mut conn,
            &AuditEntry::by(
                user,
                &client.addr,
                AuditAction::TargetChanged,
                "trajectory",
                format!("{name}/{year}"),
            )
            .at(at)
            .before(serde_json::json!({ "amount": before.to_string() }))
            .after(serde_json::json!({ "amount": after.to_string() })),
        )
        .await?;
    }
    for (key, value) in [("profile", profile.as_str()), ("method", method.code())] {
        let before = store::setting(&mut conn, key).await?;
        if before.as_deref() != Some(value) {
            store::set_setting(&mut conn, key, value, at, user.id).await?;
            audit::record(
                &mut conn,
                &AuditEntry {
                    before: before.map(|b| serde_json::json!({ "value": b })),
                    ..AuditEntry::by(
                        user,
                        &client.addr,
                        AuditAction::SavingsSettingChanged,
                        "savings_setting",
                        key,
                    )
                    .at(at)
                    .after(serde_json::json!({ "value": value }))
                },
            )
            .await?;
        }
    }
    conn.commit().await.map_err(DbError::from)?;
    Ok(())
}
