//! Static files embedded in the binary: Bootstrap Italia, htmx, Leaflet and argine's own.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::RustEmbed)]
#[folder = "../../static/"]
#[exclude = "*.map"]
struct Static;

pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = Static::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("json") => "application/json",
        Some("geojson") => "application/geo+json",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    // The outreach service worker controls the `/uscite/` pages (offline mode).
    let sw_scope = (path == "argine/outreach-sw.js").then_some("/uscite/");
    let etag = format!("\"{}\"", data_encoding::HEXLOWER.encode(&file.metadata.sha256_hash()[..8]));
    let mut res = (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
            (header::ETAG, etag),
        ],
        file.data,
    )
        .into_response();
    if let Some(scope) = sw_scope {
        res.headers_mut().insert("service-worker-allowed", header::HeaderValue::from_static(scope));
    }
    res
}
