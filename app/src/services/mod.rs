//! Use cases: what server functions, REST handlers and the CLI call. Each one takes the
//! database and typed input, applies the domain rules and returns read models or `AppError`.

pub mod admin;
pub mod auth;
pub mod board_packs;
pub mod dashboard;
pub mod demo;
pub mod demo_estate;
pub mod estate;
pub mod estate_import;
pub mod fixtures;
pub mod form_drafts;
pub mod import;
pub mod initiatives;
pub mod open_data;
pub mod organisations;
pub mod reference;
pub mod returns;
pub mod savings;
pub mod shared;
pub mod synthetic;

/// The body with the code `code`, or `NotFound` naming it.
#[tracing::instrument(skip_all, fields(%code))]
pub(crate) async fn body_row(
    conn: &mut sqlx::AnyConnection,
    code: &str,
) -> Result<crate::db::savings::BodyRow, crate::error::AppError> {
    crate::db::savings::body(conn, code)
        .await?
        .ok_or_else(|| crate::error::AppError::NotFound(format!("The organisation {code:?}")))
}
