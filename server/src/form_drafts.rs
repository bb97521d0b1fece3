//! Refused forms by reference (issue 15): the layer between server_fn's form redirects and the
//! browser. See `app::services::form_drafts` for the policy.
//!
//! On the way out of a POST, a redirect whose address carries server_fn's `__path` and `__err`
//! (the error, with everything typed) has them replaced by `__form=<reference>`, the draft kept
//! on the server. On the way into a GET, `__path`, `__err` and `__form` are taken off the address
//! before the page sees it; a `__form` reference that opens a draft of this account's is handed
//! to the page (`app::model::FormDraft` in the request's extensions) to show the form again.

use app::auth::RequestAuth;
use app::model::FormDraft;
use app::services::{auth as auth_service, form_drafts};
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;

/// The query's pairs without the error-round-trip keys, and the `__path`, `__err` and `__form`
/// values it had.
#[derive(Debug, Default, PartialEq, Eq)]
struct Split {
    kept: Vec<(String, String)>,
    path: Option<String>,
    err: Option<String>,
    form: Option<String>,
}

fn split(query: &str) -> Split {
    let mut split = Split::default();
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "__path" => split.path = Some(value.into_owned()),
            "__err" => split.err = Some(value.into_owned()),
            "__form" => split.form = Some(value.into_owned()),
            _ => split.kept.push((key.into_owned(), value.into_owned())),
        }
    }
    split
}

/// `base` with `pairs` as its query (none when there are no pairs).
fn with_query(base: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return base.to_owned();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("{base}?{query}")
}

pub async fn keep_refused_forms(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let user_id = request
        .extensions()
        .get::<RequestAuth>()
        .and_then(|auth| auth.user.as_ref().map(|u| u.id));
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(open_draft(&state, request, user_id).await).await;
    }
    let mut response = next.run(request).await;
    if !response.status().is_redirection() {
        return response;
    }
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned)
    else {
        return response;
    };
    let Some((base, query)) = location.split_once('?') else {
        return response;
    };
    let mut split = split(query);
    if split.path.is_none() && split.err.is_none() && split.form.is_none() {
        return response;
    }
    if let (Some(path), Some(error)) = (split.path.take(), split.err.take()) {
        let draft = FormDraft { path, error };
        // Kept or not, the typed values never go back in the address; if the database cannot
        // keep them the form comes back empty (the error is logged with a reference).
        if let Ok(reference) =
            form_drafts::keep(&state.db, user_id, &draft, auth_service::now()).await
        {
            split.kept.push(("__form".to_owned(), reference));
        }
    }
    // A form shown again from a draft posts back to its own address: the old reference goes.
    match HeaderValue::from_str(&with_query(base, &split.kept)) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
        }
        Err(_) => {
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/"));
        }
    }
    response
}

/// Takes the error-round-trip keys off a page request's address, handing an opened draft on.
async fn open_draft(state: &AppState, mut request: Request, user_id: Option<i64>) -> Request {
    let Some(query) = request.uri().query() else {
        return request;
    };
    let split = split(query);
    if split.path.is_none() && split.err.is_none() && split.form.is_none() {
        return request;
    }
    let path = request.uri().path().to_owned();
    if let Ok(uri) = with_query(&path, &split.kept).parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    if let Some(reference) = split.form {
        if let Ok(Some(draft)) =
            form_drafts::open(&state.db, &reference, user_id, auth_service::now()).await
        {
            request.extensions_mut().insert(draft);
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::{split, with_query};

    #[test]
    fn the_round_trip_keys_are_taken_off_and_the_rest_kept_in_order() {
        let s = split("next=%2Freturns&__path=%2Fapi%2Flogin&__err=eyJ9&b=2&__form=ab");
        assert_eq!(s.path.as_deref(), Some("/api/login"));
        assert_eq!(s.err.as_deref(), Some("eyJ9"));
        assert_eq!(s.form.as_deref(), Some("ab"));
        assert_eq!(with_query("/login", &s.kept), "/login?next=%2Freturns&b=2");
        assert_eq!(with_query("/login", &[]), "/login");
    }
}
