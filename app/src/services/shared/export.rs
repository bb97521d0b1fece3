//! The REST export of adoptions, as JSON rows and CSV.

use super::view;
use crate::access::Actor;
use crate::db::shared::{self as store};
use crate::db::{savings as savings_store, Db, DbError};
use crate::error::AppError;
use crate::model::estate::*;

/// The adoptions the caller may read (officers: their own bodies'), for the REST export.
#[tracing::instrument(skip_all, fields(user = actor.user.id, ?org))]
pub async fn export(
    db: &Db,
    actor: &Actor,
    org: Option<&str>,
) -> Result<Vec<AdoptionView>, AppError> {
    if let Some(code) = org {
        actor.read_body(code)?;
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    if let Some(code) = org {
        savings_store::body(&mut conn, code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))?;
    }
    Ok(store::adoptions(&mut conn, None)
        .await?
        .iter()
        .filter(|a| org.is_none_or(|c| a.org_code == c))
        .filter(|a| actor.can_read_body(&a.org_code))
        .map(view)
        .collect())
}

/// The export as CSV: one row per adoption, amounts in pounds.
pub fn export_csv(adoptions: &[AdoptionView]) -> String {
    use crate::util::csv_cell;
    let mut out = String::from(
        "org_code,org_name,service_code,service_name,stage,contracted,migrating,live,exited,cost_before_gbp,cost_after_gbp,saving_gbp,one_off_gbp,sites,users,class,abandoned,abandoned_reason\r\n",
    );
    for a in adoptions {
        let cells = [
            a.org_code.clone(),
            a.org_name.clone(),
            a.service_code.clone(),
            a.service_name.clone(),
            a.stage.clone(),
            a.contracted.clone().unwrap_or_default(),
            a.migrating.clone().unwrap_or_default(),
            a.live.clone().unwrap_or_default(),
            a.exited.clone().unwrap_or_default(),
            a.cost_before.as_decimal().to_string(),
            a.cost_after.as_decimal().to_string(),
            a.recurring_saving.as_decimal().to_string(),
            a.one_off.as_decimal().to_string(),
            a.sites.map(|v| v.to_string()).unwrap_or_default(),
            a.users.map(|v| v.to_string()).unwrap_or_default(),
            a.class.clone(),
            a.abandoned.clone().unwrap_or_default(),
            a.abandoned_reason.clone().unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
