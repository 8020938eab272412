//! Request context, security headers, CSRF protection and uniform error pages.

use crate::AppState;
use crate::error::ErrorDetail;
use crate::i18n::Lang;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::time::Instant;

/// Facts about the current request that handlers and templates need.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub request_id: String,
    pub lang: Lang,
    pub ip: String,
    pub user_agent: String,
    pub path: String,
    pub is_api: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestCtx {
    type Rejection = StatusCode;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<RequestCtx>().cloned().ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub const LANG_COOKIE: &str = "argine_lang";

/// Assigns a request id, negotiates the language, logs and measures the request, and renders
/// any unrendered error response as an accessible page or an RFC 9457 problem.
pub async fn request_context(mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let lang = Lang::negotiate(
        cookie(req.headers(), LANG_COOKIE),
        req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    let ip = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    let path = req.uri().path().to_owned();
    let wants_json = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("json") && !a.contains("text/html"));
    let ctx = RequestCtx {
        request_id: request_id.clone(),
        lang,
        ip,
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(200)
            .collect(),
        is_api: path.starts_with("/api/") || wants_json,
        path: path.clone(),
    };
    req.extensions_mut().insert(ctx.clone());
    let method = req.method().clone();
    let span = tracing::info_span!("request", request_id = %request_id, method = %method);
    let _ = span.enter();
    let mut res = next.run(req).await;
    let status = res.status();
    if (status.is_client_error() || status.is_server_error()) && res.extensions().get::<Rendered>().is_none() {
        res = crate::pages::errors::render(&ctx, status, res).await;
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    let elapsed = start.elapsed();
    // Paths are logged without query strings; they carry no personal data (ids only).
    let route = metric_route(&path);
    metrics::counter!("http_requests_total", "route" => route, "status" => status.as_u16().to_string()).increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route).record(elapsed.as_secs_f64());
    tracing::info!(
        parent: &span,
        path = %path,
        status = status.as_u16(),
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    res
}

/// Groups paths into a bounded set of metric labels.
fn metric_route(path: &str) -> &'static str {
    match path {
        "/" => "home",
        "/healthz" | "/readyz" => "health",
        p if p.starts_with("/static/") => "static",
        p if p.starts_with("/api/") => "api",
        p if p.starts_with("/admin/") => "admin",
        p if p.starts_with("/account") => "account",
        p if p.starts_with("/login") || p == "/logout" => "login",
        _ => "other",
    }
}

/// Marker: this response's body was rendered by us already.
#[derive(Debug, Clone, Copy)]
pub struct Rendered;

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "strict-origin-when-cross-origin");
    set(h, "x-frame-options", "DENY");
    set(h, "permissions-policy", "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)");
    set(h, "cross-origin-opener-policy", "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    res
}

/// Cross-site request forgery protection without tokens, following the algorithm of Go 1.25's
/// `http.CrossOriginProtection`: safe methods pass; otherwise `Sec-Fetch-Site` must be
/// `same-origin` or `none`; without it, an `Origin` header must match this server; requests with
/// neither header come from non-browser clients (which do not carry ambient cookies) and pass.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let verdict = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => true,
        Some(_) => false,
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            None => true,
            Some(origin) => {
                let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
                origin_matches(origin, host, &state.config.public_url)
            }
        },
    };
    if verdict {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-origin request refused");
        let mut res = StatusCode::FORBIDDEN.into_response();
        res.extensions_mut().insert(ErrorDetail { message_id: "error-csrf", args: Vec::new() });
        res
    }
}

fn origin_matches(origin: &str, host: &str, public_url: &str) -> bool {
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    origin_host == host || public_url.trim_end_matches('/') == origin
}

pub fn panic_response(_err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    let mut res = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    res.extensions_mut().insert(ErrorDetail { message_id: "error-500", args: Vec::new() });
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert!(origin_matches("http://127.0.0.1:8080", "127.0.0.1:8080", "http://x"));
        assert!(origin_matches("https://argine.example.it", "internal:8080", "https://argine.example.it/"));
        assert!(!origin_matches("https://evil.example", "127.0.0.1:8080", "http://127.0.0.1:8080"));
    }

    #[test]
    fn cookie_parsing() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; argine_lang=en; b=2"));
        assert_eq!(cookie(&h, "argine_lang"), Some("en"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
