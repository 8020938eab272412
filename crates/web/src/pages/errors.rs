//! Error pages (400, 401→login, 403, 404, 500 …) and RFC 9457 problems for the API. They say
//! what kind of error happened and what to do; never why internally.

use crate::error::ErrorDetail;
use crate::i18n::Tr;
use crate::middleware::{Rendered, RequestCtx};
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: super::Chrome,
    status: u16,
    title: String,
    message: String,
    request_id: String,
}

pub async fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "error-400",
        401 => "error-401",
        403 => "error-403",
        404 => "error-404",
        405 => "error-405",
        410 => "error-404",
        413 => "error-413",
        415 => "error-415",
        429 => "error-429",
        503 => "error-503",
        _ if status.is_server_error() => "error-500",
        _ => "error-400",
    }
}

/// Replaces an unrendered error response with a page or a problem document.
pub async fn render(ctx: &RequestCtx, status: StatusCode, original: Response) -> Response {
    let (message_id, args) = original
        .extensions()
        .get::<ErrorDetail>()
        .map_or_else(|| (default_message(status), Vec::new()), |d| (d.message_id, d.args.clone()));
    let retry_after = original.headers().get(header::RETRY_AFTER).cloned();
    let tr = Tr::new(ctx.lang);
    let title = tr.t(&format!(
        "error-title-{}",
        if matches!(status.as_u16(), 400 | 401 | 403 | 404 | 413 | 415 | 429) {
            status.as_u16()
        } else if status.is_server_error() {
            500
        } else {
            400
        }
    ));
    let message = if args.is_empty() { tr.t(message_id) } else { tr.args(message_id, &args) };
    let mut res = if ctx.is_api {
        let body = serde_json::json!({
            "type": format!("https://argine.invalid/problems/{message_id}"),
            "title": title,
            "status": status.as_u16(),
            "detail": message,
            "instance": ctx.path,
            "request_id": ctx.request_id,
        });
        let mut r = (status, body.to_string()).into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    } else if status == StatusCode::UNAUTHORIZED {
        Redirect::to(&format!("/login?next={}", crate::auth::login::urlencode(&ctx.path))).into_response()
    } else {
        let page = ErrorPage {
            chrome: super::Chrome { path: ctx.path.clone(), ..super::Chrome::anonymous_bare(ctx) },
            status: status.as_u16(),
            title,
            message,
            request_id: ctx.request_id.clone(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "error page failed to render");
                (status, "error").into_response()
            }
        }
    };
    if let Some(v) = retry_after {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res.extensions_mut().insert(Rendered);
    res
}
