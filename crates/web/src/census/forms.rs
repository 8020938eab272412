//! Questionnaires: upload an XLSForm workbook (every problem reported at once, with sheet, row
//! and column), keep each version as it was uploaded, look at its structure, publish it,
//! download the original or an export regenerated from the parsed form.

use super::{ProblemView, problem_view};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::import::read_upload;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::census::xlsform::{self, Form, FormError, Item, Kind};
use argine_storage::StorageError;
use argine_storage::audit::{self, NewEntry};
use argine_storage::census::{self, NewFormVersion};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// Why an upload was not stored.
#[derive(Debug)]
pub enum ImportFailure {
    /// The workbook is not a valid XLSForm: every problem found.
    Invalid(Vec<FormError>),
    /// This form already has a version with this number: versions never change.
    VersionExists {
        form_key: String,
        version: String,
    },
    Storage(StorageError),
}

impl From<StorageError> for ImportFailure {
    fn from(e: StorageError) -> Self {
        Self::Storage(e)
    }
}

/// A workbook that parsed, ready to store, with pyxform-style warnings.
pub struct Prepared {
    pub form: Form,
    pub warnings: Vec<FormError>,
    pub form_key: String,
    pub version: String,
}

/// Parses an uploaded workbook. A form without `form_id` takes one from the file name; one
/// without `version` gets the upload time (`YYYYMMDDHHMMSS`, as ODK Central does), so that
/// every stored version has a number.
pub fn prepare(bytes: &[u8], filename: &str) -> Result<Prepared, Vec<FormError>> {
    let parsed = xlsform::parse_xlsx_with_warnings(bytes);
    let form = parsed.result?;
    let form_key = form.id.clone().unwrap_or_else(|| {
        let stem = filename.rsplit_once('.').map_or(filename, |(s, _)| s);
        let key: String = stem
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '_' })
            .collect();
        if key.is_empty() { "questionario".to_owned() } else { key }
    });
    let version = form.version.clone().unwrap_or_else(|| {
        let fmt = time::macros::format_description!("[year][month][day][hour][minute][second]");
        time::OffsetDateTime::now_utc().format(fmt).unwrap_or_default()
    });
    Ok(Prepared { form, warnings: parsed.warnings, form_key, version })
}

/// Stores a prepared form as a new version, with its audit entry, in the caller's
/// transaction. Returns the version id.
pub async fn store(
    tx: &mut argine_storage::Tx,
    p: &Prepared,
    source: &[u8],
    by: Option<i64>,
    mut entry: NewEntry,
) -> Result<i64, ImportFailure> {
    let definition = serde_json::to_string(&p.form).map_err(|e| StorageError::Corrupt(e.to_string()))?;
    let title = p.form.display_title(&p.form_key);
    let questions = i64::try_from(p.form.question_count()).unwrap_or(i64::MAX);
    let v = NewFormVersion {
        form_key: &p.form_key,
        version: &p.version,
        title: &title,
        source,
        definition: &definition,
        questions,
    };
    let id = census::add_version(tx, &v, by).await.map_err(|e| match e {
        StorageError::Conflict(_) => {
            ImportFailure::VersionExists { form_key: p.form_key.clone(), version: p.version.clone() }
        }
        e => e.into(),
    })?;
    entry.action = "census.form.import".into();
    entry.outcome = "ok".into();
    entry.record_type = "census_form_version".into();
    entry.record_id = id.to_string();
    entry.details = json!({"form_id": p.form_key, "version": p.version, "questions": questions}).to_string();
    audit::append(tx, &entry).await?;
    Ok(id)
}

/// The parsed form of a stored version.
pub fn definition(v: &census::FormVersion) -> WebResult<Form> {
    serde_json::from_str(&v.definition)
        .map_err(|e| WebError::Internal(anyhow::anyhow!("form version {} has an unreadable definition: {e}", v.id)))
}

fn entry_for(user: &CurrentUser, ctx: &RequestCtx) -> NewEntry {
    NewEntry {
        actor_user_id: Some(user.user.id),
        actor_label: user.label().to_owned(),
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// List and upload

pub struct FormRow {
    pub title: String,
    pub form_key: String,
    pub versions: i64,
    pub latest_version_id: i64,
    pub published: bool,
}

#[derive(Template)]
#[template(path = "census/forms.html")]
struct ListPage {
    chrome: Chrome,
    forms: Vec<FormRow>,
    can_manage: bool,
    problems: Vec<ProblemView>,
    upload_error: Option<String>,
    filename: String,
}

async fn list_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    problems: Vec<ProblemView>,
    upload_error: Option<String>,
    filename: String,
) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let forms = census::forms(&mut conn)
        .await?
        .into_iter()
        .map(|f| FormRow {
            title: f.title,
            form_key: f.form_key,
            versions: f.versions,
            latest_version_id: f.latest_version_id,
            published: f.published_version_id.is_some(),
        })
        .collect();
    let failed = upload_error.is_some() || !problems.is_empty();
    let mut res = render(ListPage {
        chrome: Chrome::for_user(state, ctx, user),
        forms,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        problems,
        upload_error,
        filename,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    list_page(&state, &ctx, &user, Vec::new(), None, String::new()).await
}

/// Upload of an XLSForm workbook: a valid one becomes a new (unpublished) version; an invalid
/// one is listed problem by problem and nothing is stored.
pub async fn upload(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    mp: Multipart,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let Some((filename, bytes)) = read_upload(mp, "file").await? else {
        return list_page(&state, &ctx, &user, Vec::new(), Some(tr.t("import-error-no-file")), String::new()).await;
    };
    let prepared = match prepare(&bytes, &filename) {
        Ok(p) => p,
        Err(errors) => {
            tracing::info!(errors = errors.len(), "questionnaire upload refused: invalid XLSForm");
            let problems = errors.iter().map(|e| problem_view(&tr, e)).collect();
            return list_page(&state, &ctx, &user, problems, None, filename).await;
        }
    };
    let mut tx = state.db.begin().await?;
    match store(&mut tx, &prepared, &bytes, Some(user.user.id), entry_for(&user, &ctx)).await {
        Ok(id) => {
            tx.commit().await.map_err(StorageError::from)?;
            tracing::info!(version_id = id, warnings = prepared.warnings.len(), "questionnaire version stored");
            Ok(Redirect::to(&format!("/censimento/versioni/{id}")).into_response())
        }
        Err(ImportFailure::VersionExists { form_key, version }) => {
            let msg = tr.args("census-version-exists", &[("form", form_key), ("version", version)]);
            list_page(&state, &ctx, &user, Vec::new(), Some(msg), filename).await
        }
        Err(ImportFailure::Invalid(_)) => Err(WebError::BadRequest("error-400")),
        Err(ImportFailure::Storage(e)) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// One version

/// One row of the structure table: a question, a group or a repeat, indented by depth.
pub struct ItemView {
    pub depth: usize,
    pub name: String,
    pub kind: String,
    pub label: String,
    pub required: String,
    pub relevant: String,
    pub constraint: String,
    pub container: bool,
}

pub struct ChoiceListView {
    pub name: String,
    pub choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "census/version.html")]
struct VersionPage {
    chrome: Chrome,
    id: i64,
    title: String,
    form_key: String,
    version: String,
    published: Option<String>,
    created: String,
    questions: i64,
    sha256: String,
    languages: String,
    pages: usize,
    items: Vec<ItemView>,
    lists: Vec<ChoiceListView>,
    other_versions: Vec<(i64, String, bool)>,
    can_manage: bool,
}

fn item_views(form: &Form, lang: &str, tr: &Tr) -> Vec<ItemView> {
    fn walk(form: &Form, items: &[Item], depth: usize, lang: &str, tr: &Tr, out: &mut Vec<ItemView>) {
        for i in items.iter().filter(|i| !i.generated) {
            let kind = match &i.kind {
                Kind::Group => tr.t("census-kind-group"),
                Kind::Repeat => tr.t("census-kind-repeat"),
                k => k.type_name(),
            };
            out.push(ItemView {
                depth,
                name: i.name.clone(),
                kind,
                label: form.label(i, lang).unwrap_or_default().to_owned(),
                required: i.required.clone().unwrap_or_default(),
                relevant: i.relevant.clone().unwrap_or_default(),
                constraint: i.constraint.clone().unwrap_or_default(),
                container: i.kind.is_container(),
            });
            walk(form, &i.children, depth + 1, lang, tr, out);
        }
    }
    let mut out = Vec::new();
    walk(form, &form.items, 0, lang, tr, &mut out);
    out
}

async fn load(state: &AppState, id: i64) -> WebResult<census::FormVersion> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(census::version(&mut conn, id).await?)
}

pub async fn version(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let v = load(&state, id).await?;
    let form = definition(&v)?;
    let lang = form.language_for(ctx.lang.code());
    let mut conn = state.db.pool().acquire().await?;
    let other_versions = census::versions(&mut conn, v.form_id)
        .await?
        .into_iter()
        .map(|o| (o.id, o.version.clone(), o.is_published()))
        .collect();
    drop(conn);
    render(VersionPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id: v.id,
        title: v.title.clone(),
        form_key: v.form_key.clone(),
        version: v.version.clone(),
        published: v.published_at.map(|t| tr.datetime(t)),
        created: tr.datetime(v.created_at),
        questions: v.questions,
        sha256: v.source_sha256.clone(),
        languages: form.languages.join(", "),
        pages: form.pages().len(),
        items: item_views(&form, &lang, &tr),
        lists: form
            .choices
            .iter()
            .map(|(name, cs)| ChoiceListView {
                name: name.clone(),
                choices: cs
                    .iter()
                    .filter(|c| !c.generated)
                    .map(|c| (c.name.clone(), form.text(&c.label, &lang).unwrap_or_default().to_owned()))
                    .collect(),
            })
            .collect(),
        other_versions,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
    })
}

/// Publishes a version: from then on campaigns can use it. Publication is stamped once.
pub async fn publish(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let v = load(&state, id).await?;
    if !v.is_published() {
        let mut tx = state.db.begin().await?;
        census::publish(&mut tx, id, Some(user.user.id)).await?;
        let mut entry = entry_for(&user, &ctx);
        entry.action = "census.form.publish".into();
        entry.outcome = "ok".into();
        entry.record_type = "census_form_version".into();
        entry.record_id = id.to_string();
        entry.details = json!({"form_id": v.form_key, "version": v.version}).to_string();
        audit::append(&mut tx, &entry).await?;
        tx.commit().await.map_err(StorageError::from)?;
    }
    Ok(Redirect::to(&format!("/censimento/versioni/{id}")).into_response())
}

fn xlsx_response(filename: &str, bytes: Vec<u8>) -> Response {
    let ascii: String =
        filename.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The workbook exactly as it was uploaded.
pub async fn original(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let v = load(&state, id).await?;
    let mut conn = state.db.pool().acquire().await?;
    let bytes = census::version_source(&mut conn, id).await?;
    Ok(xlsx_response(&format!("{}-{}.xlsx", v.form_key, v.version), bytes))
}

/// The parsed form written back as an XLSForm workbook (text cells only).
pub async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let v = load(&state, id).await?;
    let form = definition(&v)?;
    let bytes = argine_reports::xlsx::write_workbook(&xlsform::to_sheets(&form))
        .map_err(|e| WebError::Internal(anyhow::anyhow!("export of form version {id}: {e}")))?;
    Ok(xlsx_response(&format!("{}-{}-export.xlsx", v.form_key, v.version), bytes))
}

/// The compilation guide of a version as PDF: every page and question, hints and choices.
pub async fn guide(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let v = load(&state, id).await?;
    let form = definition(&v)?;
    let data = super::document::guide_data(&Tr::new(ctx.lang), &form, &state.config.instance_name, None);
    let bytes = super::document::render_async(&state.pdf, data).await?;
    Ok(super::document::pdf_response(bytes, &format!("guida-{}-{}.pdf", v.form_key, v.version)))
}
