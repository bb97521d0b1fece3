//! Server functions for spreadsheet imports: the preview of an upload, and its commit.
//! (The upload itself is a multipart form handled by the server crate: `POST /import/upload`.)

use crate::error::AppError;
use crate::model::import::ImportPreview;
use leptos::prelude::*;

/// What an upload would change, validated against the stored return.
#[server(prefix = "/api", endpoint = "import/preview", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::import::get_import_preview", skip_all)
)]
pub async fn get_import_preview(token: String) -> Result<ImportPreview, AppError> {
    super::finish(
        async move {
            let (actor, state) = super::context()?;
            crate::services::import::preview(&state.db, &actor, &token).await
        }
        .await,
    )
}

/// Commits an upload (validated again); `acknowledge` confirms its warnings were read. Goes to
/// the return's page when done.
#[server(prefix = "/api", endpoint = "import/commit")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::import::commit_import", skip_all)
)]
pub async fn commit_import(
    token: String,
    #[server(default)] acknowledge: String,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = super::context()?;
            let done =
                crate::services::import::commit(&state.db, &actor, &token, !acknowledge.is_empty())
                    .await?;
            let page = if done.spend_in_file {
                super::returns::return_path(&done.org_code, &done.financial_year.to_string())
            } else if done.sites_in_file {
                format!("/data-centres/{}", done.org_code)
            } else {
                format!("/shared-services/{}", done.org_code)
            };
            super::redirect(&format!(
                "{page}?imported={}",
                if done.changed { "changed" } else { "unchanged" }
            ));
            Ok(())
        }
        .await,
    )
}
