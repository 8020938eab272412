//! The public open-data page (`/dati-aperti`), no account needed: the packages the secretariat
//! published, each with its files — the published tables as CSV and XLSX, the Comune-level
//! indicators as CSV, XLSX and GeoJSON — and its DCAT-AP_IT catalogue (JSON-LD). Only files
//! of a published, not withdrawn, build are served; they hold aggregates under disclosure
//! control, nothing personal.

use super::job::{CAPTIONS, DATA_PREFIX};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_storage::census;
use argine_storage::reports::{self as store, Build};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

pub struct Package {
    pub id: i64,
    pub title: String,
    pub campaign: String,
    pub published: String,
    pub publisher: String,
}

pub struct DataFile {
    pub name: String,
    pub what: String,
    pub format: &'static str,
    pub size: String,
}

#[derive(Template)]
#[template(path = "reports/opendata.html")]
struct ListPage {
    chrome: Chrome,
    packages: Vec<Package>,
}

#[derive(Template)]
#[template(path = "reports/opendata_package.html")]
struct PackagePage {
    chrome: Chrome,
    p: Package,
    files: Vec<DataFile>,
}

fn chrome(state: &AppState, ctx: &RequestCtx, user: Option<&CurrentUser>) -> Chrome {
    match user {
        Some(u) => Chrome::for_user(state, ctx, u),
        None => Chrome::anonymous(state, ctx),
    }
}

async fn package(conn: &mut sqlx::AnyConnection, tr: &Tr, b: &Build) -> WebResult<Package> {
    let c = census::campaign(conn, b.campaign_id).await?;
    Ok(Package {
        id: b.id,
        title: b.title.clone(),
        campaign: c.name,
        published: b.published_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        publisher: b.publisher_name.clone(),
    })
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: Option<CurrentUser>) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let mut packages = Vec::new();
    for b in store::published(&mut conn).await? {
        packages.push(package(&mut conn, &tr, &b).await?);
    }
    drop(conn);
    render(ListPage { chrome: chrome(&state, &ctx, user.as_ref()), packages })
}

/// A published build, or 404.
async fn published(conn: &mut sqlx::AnyConnection, id: i64) -> WebResult<Build> {
    let b = store::build(conn, id).await?;
    if b.is_public() { Ok(b) } else { Err(WebError::NotFound) }
}

fn describe(tr: &Tr, captions: &BTreeMap<String, String>, name: &str) -> (String, &'static str) {
    let format = match name.rsplit('.').next() {
        Some("csv") => "CSV",
        Some("xlsx") => "XLSX",
        Some("geojson") => "GeoJSON",
        Some("jsonld") => "JSON-LD",
        _ => "",
    };
    let what = if let Some(caption) = captions.get(name) {
        caption.clone()
    } else if let Some(rest) = name.strip_prefix("tavola-") {
        let (n, key) = rest.trim_end_matches(".csv").split_once('-').unwrap_or((rest, ""));
        tr.args("opendata-file-table", &[("n", n.trim_start_matches('0').to_owned()), ("key", key.to_owned())])
    } else {
        let stem = name.split('.').next().unwrap_or(name);
        tr.t(&format!("opendata-file-{stem}"))
    };
    (what, format)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<CurrentUser>,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let b = published(&mut conn, id).await?;
    let p = package(&mut conn, &tr, &b).await?;
    let captions: BTreeMap<String, String> = match store::file(&mut conn, id, CAPTIONS).await {
        Ok((_, bytes)) => serde_json::from_slice(&bytes).unwrap_or_default(),
        Err(argine_storage::StorageError::NotFound) => BTreeMap::new(),
        Err(e) => return Err(e.into()),
    };
    let mut files: Vec<DataFile> = store::files_of(&mut conn, id)
        .await?
        .into_iter()
        .filter_map(|f| {
            let name = f.name.strip_prefix(DATA_PREFIX)?.to_owned();
            let (what, format) = describe(&tr, &captions, &name);
            Some(DataFile { what, format, size: super::pages::size(f.size), name })
        })
        .collect();
    // The catalogue and the Comuni first, then the tables in order.
    files.sort_by_key(|f| (!f.name.starts_with("catalogo"), !f.name.starts_with("comuni"), f.name.clone()));
    drop(conn);
    render(PackagePage { chrome: chrome(&state, &ctx, user.as_ref()), p, files })
}

pub async fn file(State(state): State<AppState>, Path((id, name)): Path<(i64, String)>) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await?;
    published(&mut conn, id).await?;
    if name.contains('/') {
        return Err(WebError::NotFound);
    }
    let (media, bytes) = store::file(&mut conn, id, &format!("{DATA_PREFIX}{name}")).await?;
    let mut res = crate::download::attachment(&media, &name, bytes);
    if let Ok(v) = header::HeaderValue::from_str("public, max-age=300") {
        res.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    if name.ends_with(".jsonld") || name.ends_with(".geojson") {
        // Machine-readable: shown inline, so harvesters and browsers read them directly.
        res.headers_mut().remove(header::CONTENT_DISPOSITION);
    }
    Ok(res.into_response())
}
