//! `AppError`: the one error type every server function, REST handler and page sees.
//!
//! Policy: each variant has a stable code and HTTP status. Internal failures are logged on the
//! server with a reference and reach the user only as that reference: no SQL, paths or stack
//! traces leak. Validation errors name the field so a form can point at it.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("{0} was not found")]
    NotFound(String),
    #[error("you need to sign in")]
    Unauthorized,
    #[error("you do not have permission to do that")]
    Forbidden,
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    /// Several fields in error at once (a form), each named.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Fields(Vec<crate::domain::spend_line::FieldError>),
    /// A form refused with its fields in error and everything that was typed (field id, text),
    /// so that the form can be shown again as it was, even after a plain HTML post.
    #[error("{}", .errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Form {
        errors: Vec<crate::domain::spend_line::FieldError>,
        values: Vec<(String, String)>,
    },
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts (sign-in throttling); the text says when to try again.
    #[error("{0}")]
    Throttled(String),
    #[error("something went wrong on our side (reference {0})")]
    Internal(String),
    /// The request to the server failed in transit or could not be decoded.
    #[error("the request could not be completed: {0}")]
    Request(String),
    /// A request the server could not read (malformed fields, not UTF-8): what was wrong.
    #[error("the request could not be read: {0}")]
    BadRequest(String),
    /// A request body larger than the server accepts.
    #[error("the request is too large: {0}")]
    TooLarge(String),
}

impl AppError {
    /// A refused form: every problem, with everything that was typed, so the form comes back
    /// as it was.
    pub fn refused_form(
        errors: Vec<crate::domain::spend_line::FieldError>,
        form: &std::collections::HashMap<String, String>,
    ) -> Self {
        AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Validation { .. } | AppError::Fields(_) | AppError::Form { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::Throttled(_) => 429,
            AppError::Internal(_) => 500,
            AppError::Request(_) => 502,
            AppError::BadRequest(_) => 400,
            AppError::TooLarge(_) => 413,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Validation { .. } | AppError::Fields(_) | AppError::Form { .. } => {
                "validation"
            }
            AppError::Conflict(_) => "conflict",
            AppError::Throttled(_) => "throttled",
            AppError::Internal(_) => "internal",
            AppError::Request(_) => "request",
            AppError::BadRequest(_) => "bad_request",
            AppError::TooLarge(_) => "too_large",
        }
    }

    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Each field in error with its message (one for a single-field error, none for others).
    pub fn field_errors(&self) -> Vec<crate::domain::spend_line::FieldError> {
        match self {
            AppError::Validation { field, message } => {
                vec![crate::domain::spend_line::FieldError {
                    field: field.replace(' ', "-"),
                    message: message.clone(),
                }]
            }
            AppError::Fields(errors) | AppError::Form { errors, .. } => errors.clone(),
            _ => Vec::new(),
        }
    }

    /// What was typed into a field of a refused form, if the error carries it.
    pub fn typed_value(&self, field: &str) -> Option<String> {
        match self {
            AppError::Form { values, .. } => values
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.clone()),
            _ => None,
        }
    }

    /// Logs `detail` with a fresh reference and returns an error carrying only the reference.
    #[cfg(feature = "ssr")]
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let reference = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
        tracing::error!(reference = %reference, "internal error: {detail}");
        AppError::Internal(reference)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// On the server, a request whose arguments cannot be read is the caller's mistake (400,
    /// 413, or 422 naming a missing field), never the server's (issue 15); on the client, a
    /// failed call is a transport problem.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        #[cfg(not(feature = "ssr"))]
        return AppError::Request(value.to_string());
        #[cfg(feature = "ssr")]
        match value {
            ServerFnErrorErr::MissingArg(field) => {
                AppError::validation(field.clone(), format!("{field}: this field is missing"))
            }
            ServerFnErrorErr::Args(message) => match missing_field(&message) {
                Some(field) => {
                    AppError::validation(field.clone(), format!("{field}: this field is missing"))
                }
                None => AppError::BadRequest(format!("a field could not be read ({message})")),
            },
            ServerFnErrorErr::Deserialization(message) if message.contains("length limit") => {
                AppError::TooLarge(
                    "the form is larger than the server accepts (2 MB); upload large files on the Import page".into(),
                )
            }
            ServerFnErrorErr::Deserialization(message) => {
                AppError::BadRequest(format!("the form could not be read ({message})"))
            }
            other => AppError::Request(other.to_string()),
        }
    }
}

/// The field serde names in "missing field `x`", if that is the complaint.
#[cfg(feature = "ssr")]
fn missing_field(message: &str) -> Option<String> {
    let rest = message.split("missing field `").nth(1)?;
    rest.split('`').next().map(str::to_owned)
}

impl From<crate::domain::ParseError> for AppError {
    fn from(value: crate::domain::ParseError) -> Self {
        AppError::Validation {
            field: value.what.to_owned(),
            message: value.to_string(),
        }
    }
}

#[cfg(feature = "ssr")]
mod http_response {
    use super::AppError;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    /// JSON body `{"error": code, "message": text}` with the variant's status.
    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status =
                StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
            (status, axum::Json(body)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_has_its_http_status() {
        assert_eq!(AppError::NotFound("x".into()).status(), 404);
        assert_eq!(AppError::validation("amount", "must be ≥ 0").status(), 422);
        assert_eq!(AppError::Internal("ab12".into()).status(), 500);
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn unreadable_arguments_are_the_caller_s_mistake() {
        let missing = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "missing field `row_version`".into(),
        ));
        assert_eq!(missing.status(), 422);
        assert_eq!(missing.field_errors()[0].field, "row_version");
        let garbled = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "invalid digit found in string".into(),
        ));
        assert_eq!((garbled.status(), garbled.code()), (400, "bad_request"));
        let large = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "length limit exceeded".into(),
        ));
        assert_eq!(large.status(), 413);
        let utf8 = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "invalid utf-8 sequence of 1 bytes from index 2".into(),
        ));
        assert_eq!(utf8.status(), 400);
    }

    #[test]
    fn internal_errors_show_only_their_reference() {
        let text = AppError::Internal("ab12cd34".into()).to_string();
        assert_eq!(
            text,
            "something went wrong on our side (reference ab12cd34)"
        );
    }
}
