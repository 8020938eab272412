//! The report pages: a campaign's builds and the form that queues one, a build's page (its
//! progress while the worker builds it, then its files, what changed since the previous build
//! of the same template, publishing its open data), the report read in the browser, and the
//! template editor with every saved version.
//!
//! Reports hold aggregate figures under disclosure control, no personal data: reading them
//! needs `ViewCensus`; building, editing templates and publishing need `ManageCensus`. Every
//! write is audited.

use super::job::{self, ANNEX, DATA_PREFIX, HTML, PDF};
use super::{ReportError, STAGES, TEMPLATES, compose, inputs, shipped};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::report::Change;
use argine_domain::report::template::{Template as ReportTemplate, TemplateError};
use argine_storage::StorageError;
use argine_storage::census;
use argine_storage::reports::{self as store, Build, NewBuild};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

/// Most changes listed on a build's page (the count is always complete).
const MAX_CHANGES: usize = 300;
/// Longest template accepted (the shipped final report is about 8 KB).
const MAX_TEMPLATE_BYTES: usize = 200 * 1024;

/// A build as listed.
pub struct BuildRow {
    pub id: i64,
    pub template: String,
    pub when: String,
    pub status: String,
    pub status_code: String,
    pub pages: i64,
    pub published: bool,
}

fn status_label(tr: &Tr, b: &Build) -> String {
    tr.t(&format!("report-status-{}", b.status))
}

fn row(tr: &Tr, b: &Build) -> BuildRow {
    BuildRow {
        id: b.id,
        template: b.template_name.clone(),
        when: tr.datetime(b.created_at),
        status: status_label(tr, b),
        status_code: b.status.clone(),
        pages: b.pages,
        published: b.is_public(),
    }
}

/// The template names one can build: the shipped ones and every saved one.
async fn template_names(conn: &mut sqlx::AnyConnection) -> WebResult<Vec<String>> {
    let mut names: Vec<String> = TEMPLATES.iter().map(|(n, _)| (*n).to_owned()).collect();
    for (n, _, _) in store::template_names(conn).await? {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    Ok(names)
}

/// The text of template `name` now, with its saved version (`None`: the shipped text).
async fn current_text(conn: &mut sqlx::AnyConnection, name: &str) -> WebResult<Option<(Option<i64>, String)>> {
    if let Some(v) = store::current_template(conn, name).await? {
        return Ok(Some((Some(v.id), v.body)));
    }
    Ok(shipped(name).map(|t| (None, t.to_owned())))
}

/// A template problem in the reader's language, with its line.
pub fn template_error(tr: &Tr, e: &TemplateError) -> String {
    let what = match e.problem.arg() {
        Some(a) => tr.args(&format!("report-template-{}", e.problem.code()), &[("arg", a)]),
        None => tr.t(&format!("report-template-{}", e.problem.code())),
    };
    tr.args("report-template-at-line", &[("line", e.line.to_string()), ("problem", what)])
}

fn errors_of(tr: &Tr, e: &ReportError) -> Vec<String> {
    match e {
        ReportError::Template(list) => list.iter().map(|e| template_error(tr, e)).collect(),
        ReportError::Indicators(_) => vec![tr.t("report-error-no-comuni")],
        other => vec![tr.args("report-error-internal", &[("detail", other.to_string())])],
    }
}

/// Binds `text` to a campaign's clean answers without typesetting — how a template is checked
/// before it is saved or queued. The computation is CPU-bound: it runs off the async threads.
async fn bind_on(state: &AppState, campaign: i64, text: &str, date: &str) -> Result<(), ReportError> {
    let territory = state.territory();
    let inputs = inputs(&state.db, &territory, campaign).await?;
    let (text, date) = (text.to_owned(), date.to_owned());
    tokio::task::spawn_blocking(move || compose(&inputs, &text, &date, &|_| {}).map(|_| ()))
        .await
        .map_err(|e| ReportError::Task(e.to_string()))?
}

fn valid_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
}

// ---------------------------------------------------------------------------------------------
// A campaign's reports

#[derive(Template)]
#[template(path = "reports/campaign.html")]
struct CampaignPage {
    chrome: Chrome,
    id: i64,
    name: String,
    builds: Vec<BuildRow>,
    templates: Vec<String>,
    template: String,
    date: String,
    errors: Vec<String>,
    can_manage: bool,
}

async fn campaign_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    typed: Option<(String, String)>,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let campaign = census::campaign(&mut conn, id).await?;
    let builds = store::builds_of(&mut conn, id).await?.iter().map(|b| row(&tr, b)).collect();
    let templates = template_names(&mut conn).await?;
    drop(conn);
    let (template, date) =
        typed.unwrap_or_else(|| ("finale".into(), argine_domain::report::fmt::date_long(&campaign.deadline)));
    render(CampaignPage {
        chrome: Chrome::for_user(state, ctx, user),
        id,
        name: campaign.name,
        builds,
        templates,
        template,
        date,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        errors,
    })
}

pub async fn campaign(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    campaign_page(&state, &ctx, &user, id, None, Vec::new()).await
}

/// Queues a build: the template is checked against the campaign's clean answers first, so a
/// mistake in it is shown on the form (with its line), not on a failed build.
pub async fn queue(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let (name, date) = (field(&f, "template"), field(&f, "date"));
    let mut conn = state.db.pool().acquire().await?;
    census::campaign(&mut conn, id).await?;
    let text = current_text(&mut conn, &name).await?;
    drop(conn);
    let mut errors = Vec::new();
    if date.is_empty() || date.chars().count() > 60 {
        errors.push(tr.t("report-error-date"));
    }
    let Some((version, text)) = text else {
        errors.push(tr.t("report-error-template-unknown"));
        return with_errors(campaign_page(&state, &ctx, &user, id, Some((name, date)), errors).await);
    };
    match bind_on(&state, id, &text, &date).await {
        Ok(_) => {}
        Err(e @ (ReportError::Template(_) | ReportError::Indicators(_))) => errors.extend(errors_of(&tr, &e)),
        Err(e) => return Err(WebError::Internal(e.into())),
    }
    if !errors.is_empty() {
        return with_errors(campaign_page(&state, &ctx, &user, id, Some((name, date)), errors).await);
    }
    let mut tx = state.db.begin().await?;
    let build = job::queue(
        &mut tx,
        &NewBuild {
            campaign_id: id,
            template_name: &name,
            template_version: version,
            template_body: &text,
            report_date: &date,
            requested_by: Some(user.user.id),
        },
    )
    .await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "report.queue",
        ("report_build", build),
        json!({"campaign": id, "template": name, "template_version": version}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/rapporti/{build}")).into_response())
}

/// A page showing form errors is answered 422.
fn with_errors(res: WebResult<Response>) -> WebResult<Response> {
    let mut res = res?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

// ---------------------------------------------------------------------------------------------
// A build

pub struct FileRow {
    pub href: String,
    pub name: String,
    pub size: String,
}

pub struct ChangeRow {
    pub what: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "reports/build.html")]
struct BuildPage {
    chrome: Chrome,
    b: Build,
    campaign: String,
    status: String,
    running: bool,
    progress: i64,
    of: u32,
    percent: i64,
    stage: String,
    requested: String,
    finished: String,
    files: Vec<FileRow>,
    data_files: usize,
    previous: Option<i64>,
    changes: Vec<ChangeRow>,
    changes_total: usize,
    changes_truncated: bool,
    public: bool,
    published: String,
    can_manage: bool,
}

/// A change's key in words: `table:risposte_regione:Puglia:Rispondenti` → «Tabella
/// risposte_regione, Puglia, Rispondenti».
fn change_label(tr: &Tr, key: &str) -> String {
    let mut parts = key.split(':');
    let kind = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    match kind {
        "paragraph" => tr.args("report-change-paragraph", &[("n", rest.join(":"))]),
        "table" => tr.args("report-change-table", &[("what", rest.join(", "))]),
        "figure" => tr.args("report-change-figure", &[("what", rest.join(", "))]),
        _ => key.to_owned(),
    }
}

pub fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", argine_domain::report::fmt::decimal(bytes as f64 / (1024.0 * 1024.0), 1))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

async fn load(state: &AppState, id: i64) -> WebResult<(Build, census::Campaign)> {
    let mut conn = state.db.pool().acquire().await?;
    let b = store::build(&mut conn, id).await?;
    let c = census::campaign(&mut conn, b.campaign_id).await?;
    Ok((b, c))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (b, c) = load(&state, id).await?;
    let mut conn = state.db.pool().acquire().await?;
    let stored = store::files_of(&mut conn, id).await?;
    let previous = if b.status == "done" { store::previous_done(&mut conn, &b).await? } else { None };
    drop(conn);
    let files = [PDF.0, HTML.0, ANNEX.0]
        .iter()
        .filter_map(|n| stored.iter().find(|f| f.name == *n))
        .map(|f| FileRow {
            href: if f.name == HTML.0 {
                format!("/rapporti/{id}/pagina")
            } else {
                format!("/rapporti/{id}/{}", f.name)
            },
            name: tr.t(&format!("report-file-{}", f.name.replace('.', "-"))),
            size: size(f.size),
        })
        .collect();
    let mut changes = Vec::new();
    let mut changes_total = 0;
    if let Some(p) = &previous {
        let parse = |s: &str| serde_json::from_str::<BTreeMap<String, String>>(s).unwrap_or_default();
        let list: Vec<Change> = argine_domain::report::changes(&parse(&p.values_json), &parse(&b.values_json));
        changes_total = list.len();
        changes = list
            .into_iter()
            .take(MAX_CHANGES)
            .map(|ch| ChangeRow {
                what: change_label(&tr, &ch.key),
                before: ch.before.unwrap_or_else(|| "—".into()),
                after: ch.after.unwrap_or_else(|| "—".into()),
            })
            .collect();
    }
    let running = b.status == "queued" || b.status == "running";
    let stage = stage_label(&tr, &b);
    render(BuildPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        campaign: c.name,
        status: status_label(&tr, &b),
        running,
        progress: b.progress,
        of: STAGES,
        percent: b.progress * 100 / i64::from(STAGES),
        stage,
        requested: tr.datetime(b.created_at),
        finished: b.finished_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        files,
        data_files: stored.iter().filter(|f| f.name.starts_with(DATA_PREFIX)).count(),
        previous: previous.map(|p| p.id),
        changes_truncated: changes_total > changes.len(),
        changes,
        changes_total,
        public: b.is_public(),
        published: b.published_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        b,
    })
}

fn stage_label(tr: &Tr, b: &Build) -> String {
    match b.status.as_str() {
        "queued" => tr.t("report-stage-queued"),
        "running" => tr.t(&format!("report-stage-{}", b.progress.clamp(0, i64::from(STAGES) - 1))),
        _ => status_label(tr, b),
    }
}

/// The build's progress for the page's script: `{"status", "progress", "of", "label"}`.
pub async fn status(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let b = store::build(&mut conn, id).await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(json!({
            "status": b.status,
            "progress": b.progress,
            "of": STAGES,
            "label": stage_label(&tr, &b),
        })),
    )
        .into_response())
}

/// A build's PDF or annex.
pub async fn download(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, name)): Path<(i64, String)>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    if name != PDF.0 && name != ANNEX.0 {
        return Err(WebError::NotFound);
    }
    let mut conn = state.db.pool().acquire().await?;
    let (media, bytes) = store::file(&mut conn, id, &name).await?;
    Ok(crate::download::attachment(&media, &format!("rapporto-{id}-{name}"), bytes))
}

#[derive(Template)]
#[template(path = "reports/read.html")]
struct ReadPage {
    chrome: Chrome,
    id: i64,
    title: String,
    article: String,
}

/// The report as a web page, in the site's layout.
pub async fn read(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let b = store::build(&mut conn, id).await?;
    let (_, bytes) = store::file(&mut conn, id, HTML.0).await?;
    drop(conn);
    render(ReadPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        title: b.title,
        article: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// Publishes the build's open-data package on the public page.
pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let (ipa, name) = (state.config.open_data_ipa.clone(), state.config.open_data_publisher.clone());
    let mut tx = state.db.begin().await?;
    match store::publish(&mut tx, id, &ipa, &name, Some(user.user.id)).await {
        Ok(()) => {}
        Err(StorageError::NotFound) => return Err(WebError::Conflict("report-error-not-done")),
        Err(e) => return Err(e.into()),
    }
    audit_write(&mut tx, &user, &ctx, "report.publish", ("report_build", id), json!({"ipa": ipa})).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/rapporti/{id}")).into_response())
}

/// Takes the build's open data off the public page.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let mut tx = state.db.begin().await?;
    match store::withdraw(&mut tx, id, Some(user.user.id)).await {
        Ok(()) => {}
        Err(StorageError::NotFound) => return Err(WebError::Conflict("report-error-not-published")),
        Err(e) => return Err(e.into()),
    }
    audit_write(&mut tx, &user, &ctx, "report.withdraw", ("report_build", id), json!({})).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/rapporti/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Templates

pub struct TemplateRow {
    pub name: String,
    pub shipped: bool,
    pub versions: i64,
    pub edited: String,
}

#[derive(Template)]
#[template(path = "reports/templates.html")]
struct TemplatesPage {
    chrome: Chrome,
    rows: Vec<TemplateRow>,
    new_name: String,
    from: String,
    errors: Vec<String>,
    can_manage: bool,
}

async fn templates_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    typed: (String, String),
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let saved = store::template_names(&mut conn).await?;
    let mut rows = Vec::new();
    for name in template_names(&mut conn).await? {
        let s = saved.iter().find(|(n, _, _)| *n == name);
        let edited = match s {
            Some((_, _, last)) => {
                let v = store::template_version(&mut conn, *last).await?;
                tr.datetime(v.created_at)
            }
            None => String::new(),
        };
        rows.push(TemplateRow {
            shipped: shipped(&name).is_some(),
            versions: s.map_or(0, |(_, n, _)| *n),
            edited,
            name,
        });
    }
    drop(conn);
    render(TemplatesPage {
        chrome: Chrome::for_user(state, ctx, user),
        rows,
        new_name: typed.0,
        from: typed.1,
        errors,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
    })
}

pub async fn templates(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    templates_page(&state, &ctx, &user, (String::new(), "finale".into()), Vec::new()).await
}

/// A new template, copied from an existing one.
pub async fn create_template(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let (name, from) = (field(&f, "name"), field(&f, "from"));
    let mut conn = state.db.pool().acquire().await?;
    let mut errors = Vec::new();
    if !valid_name(&name) {
        errors.push(tr.t("report-error-name"));
    } else if template_names(&mut conn).await?.contains(&name) {
        errors.push(tr.t("report-error-name-taken"));
    }
    let source = current_text(&mut conn, &from).await?;
    drop(conn);
    let Some((_, text)) = source.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(tr.t("report-error-template-unknown"));
        }
        return with_errors(templates_page(&state, &ctx, &user, (name, from), errors).await);
    };
    let mut tx = state.db.begin().await?;
    let note = tr.args("report-template-copied", &[("from", from.clone())]);
    let v = store::save_template(&mut tx, &name, &text, &note, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "report.template_save",
        ("report_template", v),
        json!({"name": name, "from": from}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/rapporti/modelli/{name}")).into_response())
}

pub struct VersionRow {
    pub id: i64,
    pub when: String,
    pub note: String,
    pub current: bool,
}

pub struct Reference {
    pub values: Vec<(String, String)>,
    pub tables: Vec<(String, String)>,
    pub charts: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "reports/template_edit.html")]
struct EditPage {
    chrome: Chrome,
    name: String,
    body: String,
    note: String,
    shipped: bool,
    loaded: Option<i64>,
    versions: Vec<VersionRow>,
    campaigns: Vec<(i64, String)>,
    campaign: i64,
    reference: Option<Reference>,
    errors: Vec<String>,
    saved: bool,
    can_manage: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditQuery {
    versione: Option<i64>,
    campagna: Option<i64>,
    salvato: String,
    /// `1`: load the text shipped with argine (to restore it by saving).
    originale: String,
}

/// What the editor shows besides the stored template.
#[derive(Default)]
struct EditView {
    /// A saved version to load instead of the newest.
    version: Option<i64>,
    /// What the user typed (text, note), shown back after an error.
    typed: Option<(String, String)>,
    /// The campaign whose indicators are listed and checked against.
    campaign: Option<i64>,
    errors: Vec<String>,
    saved: bool,
}

async fn edit_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    name: &str,
    view: EditView,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let history = store::template_history(&mut conn, name).await?;
    if history.is_empty() && shipped(name).is_none() {
        return Err(WebError::NotFound);
    }
    let current = history.first().map(|v| v.id);
    let (loaded, body) = match (view.version, &view.typed) {
        (_, Some((text, _))) => (None, text.clone()),
        (Some(v), None) => {
            let v = history.iter().find(|h| h.id == v).ok_or(WebError::NotFound)?;
            (Some(v.id), v.body.clone())
        }
        (None, None) => match history.first() {
            Some(v) => (Some(v.id), v.body.clone()),
            None => (None, shipped(name).unwrap_or_default().to_owned()),
        },
    };
    let campaigns: Vec<(i64, String)> =
        census::campaigns(&mut conn).await?.into_iter().map(|c| (c.id, c.name)).collect();
    drop(conn);
    let campaign =
        view.campaign.filter(|c| campaigns.iter().any(|x| x.0 == *c)).or_else(|| campaigns.first().map(|c| c.0));
    // The names the template may use, from the chosen campaign's indicators.
    let reference = match campaign {
        Some(c) => {
            let territory = state.territory();
            let inputs = inputs(&state.db, &territory, c).await.map_err(|e| WebError::Internal(e.into()))?;
            let computed =
                tokio::task::spawn_blocking(move || argine_domain::report::census::Indicators::compute(&inputs, ""))
                    .await
                    .map_err(|e| WebError::Internal(e.into()))?;
            computed.ok().map(|ind| Reference {
                values: ind
                    .values
                    .iter()
                    .filter(|(k, _)| !is_regional(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                tables: ind
                    .tables
                    .iter()
                    .filter(|(k, _)| !k.starts_with("scheda_"))
                    .map(|(k, t)| (k.clone(), t.caption.clone()))
                    .collect(),
                charts: ind.charts.iter().map(|(k, (c, _))| (k.clone(), c.clone())).collect(),
            })
        }
        None => None,
    };
    render(EditPage {
        chrome: Chrome::for_user(state, ctx, user),
        name: name.to_owned(),
        note: view.typed.map(|(_, n)| n).unwrap_or_default(),
        body,
        shipped: shipped(name).is_some(),
        loaded,
        versions: history
            .iter()
            .map(|v| VersionRow {
                id: v.id,
                when: tr.datetime(v.created_at),
                note: v.note.clone(),
                current: Some(v.id) == current,
            })
            .collect(),
        campaigns,
        campaign: campaign.unwrap_or(0),
        reference,
        saved: view.saved,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        errors: view.errors,
    })
}

/// Regional values (`invitati_16`) are used by the regional profiles, not typed by hand.
fn is_regional(key: &str) -> bool {
    key.rsplit_once('_').is_some_and(|(_, code)| code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()))
}

/// The editor: the newest text (or `?versione=`), the campaign's names (`?campagna=`).
pub async fn edit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(name): Path<String>,
    Query(q): Query<EditQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let original = shipped(&name).filter(|_| q.originale == "1");
    let view = EditView {
        version: q.versione,
        typed: original.map(|t| (t.to_owned(), Tr::new(ctx.lang).t("report-restored-shipped"))),
        campaign: q.campagna,
        saved: q.salvato == "1",
        ..EditView::default()
    };
    edit_page(&state, &ctx, &user, &name, view).await
}

/// Saves a new version of a template after checking it against the chosen campaign: every
/// problem is shown with its line and nothing typed is lost.
pub async fn save(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(name): Path<String>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let text = f.iter().find(|(k, _)| k == "body").map(|(_, v)| v.replace("\r\n", "\n")).unwrap_or_default();
    let note = field(&f, "note");
    let campaign = field(&f, "campaign").parse::<i64>().ok();
    let mut conn = state.db.pool().acquire().await?;
    if store::template_history(&mut conn, &name).await?.is_empty() && shipped(&name).is_none() {
        return Err(WebError::NotFound);
    }
    let unchanged = current_text(&mut conn, &name).await?.is_some_and(|(_, t)| t == text);
    drop(conn);
    let mut errors = Vec::new();
    if text.len() > MAX_TEMPLATE_BYTES {
        errors.push(tr.t("report-error-too-long"));
    } else if unchanged {
        errors.push(tr.t("report-error-unchanged"));
    } else {
        match ReportTemplate::parse(&text) {
            Err(list) => errors.extend(list.iter().map(|e| template_error(&tr, e))),
            Ok(_) => {
                if let Some(c) = campaign {
                    match bind_on(&state, c, &text, "").await {
                        Ok(_) | Err(ReportError::Indicators(_)) => {}
                        Err(e @ ReportError::Template(_)) => errors.extend(errors_of(&tr, &e)),
                        Err(ReportError::Storage(StorageError::NotFound)) => {}
                        Err(e) => return Err(WebError::Internal(e.into())),
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        let view = EditView { typed: Some((text, note)), campaign, errors, ..EditView::default() };
        return with_errors(edit_page(&state, &ctx, &user, &name, view).await);
    }
    let mut tx = state.db.begin().await?;
    let v = store::save_template(&mut tx, &name, &text, &note, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "report.template_save",
        ("report_template", v),
        json!({"name": name, "bytes": text.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/rapporti/modelli/{name}?salvato=1")).into_response())
}

/// `/rapporti`: the campaigns, each with a link to its reports, and the templates.
#[derive(Template)]
#[template(path = "reports/index.html")]
struct IndexPage {
    chrome: Chrome,
    campaigns: Vec<(i64, String, Vec<BuildRow>)>,
}

pub async fn index(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let mut campaigns = Vec::new();
    for c in census::campaigns(&mut conn).await? {
        let builds = store::builds_of(&mut conn, c.id).await?.iter().take(3).map(|b| row(&tr, b)).collect();
        campaigns.push((c.id, c.name, builds));
    }
    drop(conn);
    render(IndexPage { chrome: Chrome::for_user(&state, &ctx, &user), campaigns })
}
