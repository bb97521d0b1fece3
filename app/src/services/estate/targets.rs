//! Consolidation target lines (programme office).

use crate::access::Office;
use crate::db::audit::{self, AuditEntry};
use crate::db::estate::{self as store};
use crate::db::{Db, DbError};
use crate::domain::estate::SiteType;
use crate::domain::input::Checker;
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Sector};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::services::auth::now;
use std::collections::HashMap;

/// A consolidation target point as the form asks: its scope (a sector and a site type, blank
/// for all), its year, the most sites, and where the figure comes from; or its removal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetCommand {
    pub sector: String,
    pub site_type: String,
    pub year: FinancialYear,
    pub max_sites: i64,
    pub note: String,
    pub remove: bool,
}

/// Checks the consolidation target form (pure): every problem named by its field.
pub fn parse_target_form(form: &HashMap<String, String>) -> Result<TargetCommand, Vec<FieldError>> {
    let f = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut c = Checker::new();
    let sector = match f("sector") {
        "" => String::new(),
        text => text.parse::<Sector>().map_or_else(
            |e| {
                c.error("sector", format!("Sector: {e}"));
                String::new()
            },
            |s| s.code().to_owned(),
        ),
    };
    let site_type = match f("type") {
        "" => String::new(),
        text => SiteType::parse(text).map_or_else(
            |e| {
                c.error("type", format!("Type: {e}"));
                String::new()
            },
            |t| t.code().to_owned(),
        ),
    };
    let year = f("year").parse::<FinancialYear>().ok();
    if year.is_none() {
        c.error("year", "Year: a financial year like 2015-16".into());
    }
    let remove = !f("remove").is_empty();
    let max_sites = if remove {
        0
    } else {
        match f("max_sites").replace(',', "").parse::<i64>() {
            Ok(n) if (0..=100_000).contains(&n) => n,
            _ => {
                c.error(
                    "max_sites",
                    "Most sites: a whole number from 0 to 100000".into(),
                );
                0
            }
        }
    };
    let note = f("note").to_owned();
    if !remove && note.is_empty() {
        c.error(
            "note",
            "Source or reason: say where the target comes from".into(),
        );
    } else if note.chars().count() > 500 {
        c.error("note", "Source or reason: at most 500 characters".into());
    }
    let Some(year) = year else {
        return Err(c.into_errors());
    };
    c.finish(TargetCommand {
        sector,
        site_type,
        year,
        max_sites,
        note,
        remove,
    })
}

/// Sets (or removes) a point of a consolidation target line: the programme office only.
/// Nothing is saved if the form has a problem; each is named by its field.
#[tracing::instrument(skip_all, fields(user = office.user().id))]
pub async fn set_consolidation_target(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let (user, client) = (office.user(), office.client());
    let t = parse_target_form(form).map_err(|errors| AppError::refused_form(errors, form))?;
    let year = t.year;
    let mut tx = db.begin().await?;
    let mut e = AuditEntry::by(
        user,
        &client.addr,
        if t.remove {
            AuditAction::ConsolidationTargetRemoved
        } else {
            AuditAction::ConsolidationTargetSet
        },
        "consolidation_target",
        format!("{}/{}/{year}", t.sector, t.site_type),
    );
    let row = (
        t.sector,
        t.site_type,
        i64::from(year.start_year()),
        t.max_sites,
        t.note,
    );
    if t.remove {
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

#[cfg(test)]
mod tests {
    use super::{parse_target_form, TargetCommand};
    use crate::domain::FinancialYear;
    use crate::util::test_form as form;

    #[test]
    fn a_target_point_is_read_with_its_scope() {
        let t = parse_target_form(&form(&[
            ("sector", "nhs"),
            ("type", "data-centre"),
            ("year", "2015-16"),
            ("max_sites", "1,200"),
            ("note", " The review's aim "),
        ]))
        .expect("a good form");
        assert_eq!(
            t,
            TargetCommand {
                sector: "nhs".into(),
                site_type: "data-centre".into(),
                year: "2015-16".parse::<FinancialYear>().expect("a year"),
                max_sites: 1200,
                note: "The review's aim".into(),
                remove: false,
            }
        );
        // Removing needs only the scope and the year.
        let gone =
            parse_target_form(&form(&[("year", "2015-16"), ("remove", "yes")])).expect("a removal");
        assert!(gone.remove && gone.sector.is_empty() && gone.site_type.is_empty());
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let errors = parse_target_form(&form(&[
            ("sector", "space"),
            ("type", "attic"),
            ("year", "2015"),
            ("max_sites", "lots"),
        ]))
        .expect_err("four problems and a missing note");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["sector", "type", "year", "max_sites", "note"]);
        let long = "x".repeat(501);
        let errors = parse_target_form(&form(&[
            ("year", "2015-16"),
            ("max_sites", "3"),
            ("note", &long),
        ]))
        .expect_err("a long note");
        assert_eq!(
            errors[0].message,
            "Source or reason: at most 500 characters"
        );
    }
}
