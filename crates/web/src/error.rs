//! One error type for every handler.
//!
//! Policy: messages to the client are generic and translated (a Fluent id); causes of 5xx
//! errors are logged with their chain and never returned. Responses with an error status that
//! no handler rendered (axum's own rejections, the body limit, the fallback) are turned into
//! the same accessible page or RFC 9457 problem by [`crate::middleware::request_context`].

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Invalid input; the Fluent id says what is wrong.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Invalid input; the Fluent id says what is wrong, with the values of its placeholders
    /// (already in the reader's language).
    #[error("bad request: {0} {1:?}")]
    Invalid(&'static str, Vec<(&'static str, String)>),
    /// Not logged in (pages redirect to the login form).
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// The second factor must be set up or verified first.
    #[error("second factor required")]
    MfaRequired,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64 },
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// Marks an error response to be rendered by the middleware with a specific message.
#[derive(Debug, Clone)]
pub struct ErrorDetail {
    pub message_id: &'static str,
    /// The values of the message's placeholders (none for most).
    pub args: Vec<(&'static str, String)>,
}

impl From<argine_storage::StorageError> for WebError {
    fn from(e: argine_storage::StorageError) -> Self {
        match e {
            argine_storage::StorageError::NotFound => Self::NotFound,
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> Self {
        argine_storage::StorageError::from(e).into()
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        Self::Internal(anyhow::Error::new(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::MfaRequired = self {
            let mut res = axum::response::Redirect::to("/login/mfa").into_response();
            res.extensions_mut().insert(crate::middleware::Rendered);
            return res;
        }
        let mut args = Vec::new();
        let (status, message_id) = match &self {
            Self::BadRequest(id) => (StatusCode::BAD_REQUEST, *id),
            Self::Invalid(id, values) => {
                args.clone_from(values);
                (StatusCode::BAD_REQUEST, *id)
            }
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "error-401"),
            Self::Forbidden | Self::MfaRequired => (StatusCode::FORBIDDEN, "error-403"),
            Self::NotFound => (StatusCode::NOT_FOUND, "error-404"),
            Self::Conflict(id) => (StatusCode::CONFLICT, *id),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "error-429"),
            Self::Internal(e) => {
                tracing::error!(error.cause_chain = ?e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-500")
            }
        };
        let mut res = status.into_response();
        if let Self::TooManyRequests { retry_after_secs } = self
            && let Ok(v) = retry_after_secs.max(1).to_string().parse()
        {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
        res.extensions_mut().insert(ErrorDetail { message_id, args });
        res
    }
}

pub type WebResult<T> = Result<T, WebError>;
