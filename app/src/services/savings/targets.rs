//! The national trajectory and the engine's settings (programme office).

use crate::access::{Office, ReadAll};
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store};
use crate::db::{Db, DbError};
use crate::domain::input::Checker;
use crate::domain::savings::ApportionMethod;
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Money};
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

/// One changed target of the trajectory: its profile and year, the amount before and after,
/// and the source it had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetChange {
    pub profile: String,
    pub year: FinancialYear,
    pub before: Money,
    pub after: Money,
    pub source: String,
}

/// What the trajectory form asks: the profile and apportionment method to use, and the targets
/// it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrajectoryCommand {
    pub profile: String,
    pub method: ApportionMethod,
    pub changes: Vec<TargetChange>,
}

/// Checks the trajectory form against the targets it was drawn from (pure): `profile`,
/// `method`, and `target-PROFILE-YEAR` in pounds for each year shown. Every problem is named.
pub fn parse_trajectory_form(
    form: &HashMap<String, String>,
    current: &[store::TargetRow],
) -> Result<TrajectoryCommand, Vec<FieldError>> {
    let mut c = Checker::new();
    let profile = form
        .get("profile")
        .map(|p| p.trim().to_owned())
        .unwrap_or_default();
    if !current.iter().any(|t| t.0 == profile) {
        c.error(
            "profile",
            "Profile: choose one of the trajectory's profiles".into(),
        );
    }
    let method = form.get("method").and_then(|m| ApportionMethod::parse(m));
    if method.is_none() {
        c.error(
            "method",
            "Method: choose how targets are apportioned".into(),
        );
    }
    let mut changes = Vec::new();
    for (name, year, amount, source) in current {
        let field = format!("target-{name}-{year}");
        let Some(text) = form.get(&field) else {
            continue;
        };
        match Money::parse(text) {
            Ok(m) if m.is_negative() => {
                c.error(
                    &field,
                    format!("{name} {year}: a target cannot be negative"),
                );
            }
            Ok(m) if m != *amount => changes.push(TargetChange {
                profile: name.clone(),
                year: *year,
                before: *amount,
                after: m,
                source: source.clone(),
            }),
            Ok(_) => {}
            Err(e) => c.error(&field, format!("{name} {year}: {e}")),
        }
    }
    c.finish(TrajectoryCommand {
        profile,
        method: method.unwrap_or(ApportionMethod::ReviewNationalShare),
        changes,
    })
}

/// Saves the trajectory and settings (admins): the form checked by `parse_trajectory_form`,
/// then each changed target and setting with its audit row, in one transaction.
#[tracing::instrument(skip_all, fields(user = office.user().id))]
pub async fn save_targets(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    let mut conn = db.begin().await?;
    let current = store::trajectory(&mut conn).await?;
    let command = parse_trajectory_form(form, &current)
        .map_err(|errors| AppError::refused_form(errors, form))?;
    let TrajectoryCommand {
        profile,
        method,
        changes,
    } = command;
    let at = now();
    for TargetChange {
        profile: name,
        year,
        before,
        after,
        source,
    } in &changes
    {
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

#[cfg(test)]
mod tests {
    use super::{parse_trajectory_form, TargetChange};
    use crate::domain::savings::ApportionMethod;
    use crate::domain::{FinancialYear, Money};
    use std::collections::HashMap;

    fn fy(text: &str) -> FinancialYear {
        text.parse().expect("a year")
    }

    #[test]
    fn only_changed_targets_are_kept_and_every_problem_is_named() {
        let current = vec![
            (
                "review".to_owned(),
                fy("2013-14"),
                Money::from_pence(100),
                "McClelland".to_owned(),
            ),
            (
                "review".to_owned(),
                fy("2014-15"),
                Money::from_pence(200),
                "McClelland".to_owned(),
            ),
        ];
        let form: HashMap<String, String> = [
            ("profile", "review"),
            ("method", ApportionMethod::BaselineShare.code()),
            ("target-review-2013-14", "1.00"),
            ("target-review-2014-15", "3"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let command = parse_trajectory_form(&form, &current).expect("a good form");
        assert_eq!(command.method, ApportionMethod::BaselineShare);
        assert_eq!(
            command.changes,
            vec![TargetChange {
                profile: "review".into(),
                year: fy("2014-15"),
                before: Money::from_pence(200),
                after: Money::from_pence(300),
                source: "McClelland".into(),
            }]
        );
        let mut bad = form.clone();
        bad.insert("profile".into(), "other".into());
        bad.insert("method".into(), "lottery".into());
        bad.insert("target-review-2013-14".into(), "-5".into());
        bad.insert("target-review-2014-15".into(), "lots".into());
        let errors = parse_trajectory_form(&bad, &current).expect_err("four problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "profile",
                "method",
                "target-review-2013-14",
                "target-review-2014-15"
            ]
        );
    }
}
