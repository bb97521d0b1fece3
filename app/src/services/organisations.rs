//! Listing and reading public bodies.

use crate::db::organisations::{self, OrgFilter};
use crate::db::Db;
use crate::domain::OrgCode;
use crate::error::AppError;
use crate::model::{OrganisationDetail, OrganisationList};

/// The longest search text accepted; longer text is a mistake, not a query.
pub const MAX_SEARCH_LEN: usize = 100;

/// Bodies filtered by sector code and a name search, both optional (empty means any).
#[tracing::instrument(skip_all, fields(sector = ?sector, q = ?search))]
pub async fn list(
    db: &Db,
    sector: Option<&str>,
    search: Option<&str>,
) -> Result<OrganisationList, AppError> {
    let sector = sector
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .transpose()?;
    let name_contains = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if name_contains
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SEARCH_LEN)
    {
        return Err(AppError::validation(
            "q",
            format!("search text must be at most {MAX_SEARCH_LEN} characters"),
        ));
    }
    let filter = OrgFilter {
        sector,
        name_contains,
    };
    let items = organisations::list(db.pool(), &filter).await?;
    let total_bodies = organisations::count(db.pool()).await?;
    Ok(OrganisationList {
        items,
        total_bodies,
    })
}

/// One body by code; `NotFound` when there is none.
#[tracing::instrument(skip_all, fields(code = %code))]
pub async fn get(db: &Db, code: &str) -> Result<OrganisationDetail, AppError> {
    let not_found = || AppError::NotFound(format!("The organisation {code:?}"));
    let code: OrgCode = code.parse().map_err(|_| not_found())?;
    organisations::find(db.pool(), &code)
        .await?
        .ok_or_else(not_found)
}
