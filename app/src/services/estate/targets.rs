//! Consolidation target lines (programme office).

use super::refused;
use crate::access::Office;
use crate::db::audit::{self, AuditEntry};
use crate::db::estate::{self as store};
use crate::db::{Db, DbError};
use crate::domain::estate::SiteType;
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Sector};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::services::auth::now;
use std::collections::HashMap;

/// Sets (or, with `remove`, removes) a point of a consolidation target line: the programme
/// office only. Every problem is named by its field; nothing is saved if there is one.
#[tracing::instrument(skip_all, fields(user = office.user().id))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn set_consolidation_target(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    let f = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        });
    };
    let sector = match f("sector") {
        "" => String::new(),
        text => match text.parse::<Sector>() {
            Ok(s) => s.code().to_owned(),
            Err(e) => {
                fail("sector", format!("Sector: {e}"));
                String::new()
            }
        },
    };
    let site_type = match f("type") {
        "" => String::new(),
        text => match SiteType::parse(text) {
            Ok(t) => t.code().to_owned(),
            Err(e) => {
                fail("type", format!("Type: {e}"));
                String::new()
            }
        },
    };
    let year = f("year").parse::<FinancialYear>().ok();
    if year.is_none() {
        fail("year", "Year: a financial year like 2015-16".into());
    }
    let remove = !f("remove").is_empty();
    let max_sites = if remove {
        0
    } else {
        match f("max_sites").replace(',', "").parse::<i64>() {
            Ok(n) if (0..=100_000).contains(&n) => n,
            _ => {
                fail(
                    "max_sites",
                    "Most sites: a whole number from 0 to 100000".into(),
                );
                0
            }
        }
    };
    let note = f("note").to_owned();
    if !remove && note.is_empty() {
        fail(
            "note",
            "Source or reason: say where the target comes from".into(),
        );
    } else if note.chars().count() > 500 {
        fail("note", "Source or reason: at most 500 characters".into());
    }
    let Some(year) = year.filter(|_| errors.is_empty()) else {
        return Err(refused(errors, form));
    };
    let row = (
        sector,
        site_type,
        i64::from(year.start_year()),
        max_sites,
        note,
    );
    let mut tx = db.begin().await?;
    let mut e = AuditEntry::by(
        user,
        &client.addr,
        if remove {
            AuditAction::ConsolidationTargetRemoved
        } else {
            AuditAction::ConsolidationTargetSet
        },
        "consolidation_target",
        format!("{}/{}/{year}", row.0, row.1),
    );
    if remove {
        if !store::delete_target(&mut tx, &row.0, &row.1, row.2).await? {
            return Err(AppError::validation(
                "year",
                format!("Year: there is no target for {year} in this scope"),
            ));
        }
    } else {
        store::set_target(&mut tx, &row, now(), user.id).await?;
        e.after = Some(serde_json::json!({ "max_sites": row.3, "note": row.4 }));
    }
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
