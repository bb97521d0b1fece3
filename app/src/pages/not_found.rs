use crate::components::error_page::ErrorPage;
use crate::error::AppError;
use leptos::prelude::*;

/// Any address the tracker does not know: the 404 page with a real 404 status.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <ErrorPage error=AppError::NotFound("The page".into()) /> }
}
