//! The response form: a Comune answers its campaign through the secret link of its invitation
//! (`/risposta/{token}`), no account needed.
//!
//! The link is a capability: whoever holds it may read and change that one invitation's
//! response and nothing else, until it is revoked, expires or the campaign closes. Only the
//! token's SHA-256 is stored. Every page is saved as a draft when posted, whatever its errors,
//! so nothing typed is ever lost; relevance, constraints and calculations come from the one
//! form engine (`argine_domain::census::engine`), on the server, page by page, and live through
//! an htmx round-trip that re-renders the page from what was typed without saving it.

use super::form_cache::Compiled;
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::pairs;
use crate::pages::{Chrome, render};
use argine_domain::auth::token;
use argine_domain::census::answers::Answers;
use argine_domain::census::engine::{Engine, FieldPath, Issue, ItemView, PageView};
use argine_domain::census::xlsform::{Form, Kind};
use argine_storage::StorageError;
use argine_storage::audit::{self, NewEntry};
use argine_storage::census::{self, Campaign, Invitation};
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// Everything a response page needs, loaded from the link.
struct Ctx {
    invitation: Invitation,
    campaign: Campaign,
    version_id: i64,
    /// The version's form and engine.
    compiled: std::sync::Arc<Compiled>,
    answers: Answers,
    submitted: bool,
}

fn today() -> time::Date {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date()
}

/// Why a link does not open a form.
fn link_problem(state: &AppState, ctx: &RequestCtx, body: &str, status: StatusCode) -> WebResult<Response> {
    let mut res = crate::pages::message(state, ctx, "census-link-title", body, None)?;
    *res.status_mut() = status;
    Ok(res)
}

/// Loads the invitation of a link and checks it may be used now. `Err(response)` is the page
/// that says why not.
async fn open(state: &AppState, ctx: &RequestCtx, link: &str) -> WebResult<Result<Ctx, Response>> {
    let hash = token::digest(link);
    let mut conn = state.db.pool().acquire().await?;
    let invitation = match census::invitation_by_link(&mut conn, &hash).await {
        Ok(i) => i,
        Err(StorageError::NotFound) => {
            return Ok(Err(link_problem(state, ctx, "census-link-unknown", StatusCode::NOT_FOUND)?));
        }
        Err(e) => return Err(e.into()),
    };
    let now = argine_storage::now();
    if invitation.token_revoked_at.is_some() || invitation.token_expires_at.is_some_and(|t| t < now) {
        return Ok(Err(link_problem(state, ctx, "census-link-expired", StatusCode::GONE)?));
    }
    let campaign = census::campaign(&mut conn, invitation.campaign_id).await?;
    if !campaign.accepts_submissions(&today().to_string()) {
        return Ok(Err(link_problem(state, ctx, "census-link-closed", StatusCode::GONE)?));
    }
    let response = census::response_of(&mut conn, invitation.id).await?;
    let version_id = response.as_ref().map_or(campaign.form_version_id, |r| r.form_version_id);
    drop(conn);
    let compiled = state.census_forms.get(&state.db, version_id).await?;
    let (answers, submitted) = match &response {
        Some(r) => (
            serde_json::from_str(&r.answers)
                .map_err(|e| WebError::Internal(anyhow::anyhow!("response {} is unreadable: {e}", r.id)))?,
            r.is_submitted(),
        ),
        None => (compiled.engine().initial(today()), false),
    };
    Ok(Ok(Ctx { invitation, campaign, version_id, compiled, answers, submitted }))
}

/// An issue in the user's language: the form's own message when it has one in that language,
/// else ours.
fn issue_text(tr: &Tr, i: &Issue) -> String {
    if i.message.is_empty() { tr.t(&format!("census-issue-{}", i.kind.code())) } else { i.message.clone() }
}

// ---------------------------------------------------------------------------------------------
// Rendering a page of the engine as a flat list of rows (askama has no recursion)

pub struct ChoiceRow {
    pub id: String,
    pub name: String,
    pub label: String,
    pub selected: bool,
}

pub struct QuestionRow {
    pub id: String,
    pub name: String,
    /// text, textarea, integer, decimal, date, select_one, select_multiple, note, acknowledge,
    /// geopoint, other
    pub widget: &'static str,
    pub label: String,
    pub hint: String,
    pub required: bool,
    pub read_only: bool,
    pub value: String,
    pub choices: Vec<ChoiceRow>,
    pub errors: Vec<String>,
    /// Other questions depend on this one (relevance, requirement, a calculation, a choice
    /// filter, a label): changing it re-renders the page through the server.
    pub live: bool,
}

pub enum Row {
    GroupStart { label: String },
    GroupEnd,
    RepeatStart { label: String, count_field: String, count: usize },
    InstanceStart { label: String, remove: Option<String> },
    InstanceEnd,
    RepeatEnd { add: Option<(String, String)> },
    Question(Box<QuestionRow>),
}

fn html_id(path: &FieldPath) -> String {
    let mut s = String::from("q-");
    for c in path.to_string().chars() {
        s.push(if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' });
    }
    s
}

fn widget(item: &ItemView) -> &'static str {
    match &item.kind {
        Kind::Text if item.appearance.as_deref().is_some_and(|a| a.contains("multiline")) => "textarea",
        Kind::Text => "text",
        Kind::Integer => "integer",
        Kind::Decimal => "decimal",
        Kind::Date => "date",
        Kind::SelectOne { .. } => "select_one",
        Kind::SelectMultiple { .. } => "select_multiple",
        Kind::Note => "note",
        Kind::Acknowledge => "acknowledge",
        Kind::Geopoint => "geopoint",
        _ => "other",
    }
}

/// The names that some expression or text of the form refers to with `${…}`.
fn referenced(form: &Form) -> std::collections::HashSet<String> {
    use argine_domain::census::xlsform::references;
    let mut out = std::collections::HashSet::new();
    for i in form.all_items() {
        let exprs =
            [&i.relevant, &i.required, &i.constraint, &i.calculation, &i.choice_filter, &i.repeat_count, &i.read_only];
        for e in exprs.into_iter().flatten() {
            out.extend(references(e));
        }
        for text in i.label.values().chain(i.hint.values()) {
            out.extend(references(text));
        }
    }
    out
}

fn rows(tr: &Tr, live: &std::collections::HashSet<String>, items: &[ItemView], out: &mut Vec<Row>) {
    for item in items.iter().filter(|i| i.visible) {
        match item.kind {
            Kind::Group => {
                out.push(Row::GroupStart { label: item.label.clone().unwrap_or_default() });
                rows(tr, live, &item.children, out);
                out.push(Row::GroupEnd);
            }
            Kind::Repeat => {
                let label = item.label.clone().unwrap_or_else(|| item.path.name.clone());
                out.push(Row::RepeatStart {
                    label: label.clone(),
                    count_field: item.path.count_field(),
                    count: item.instances.len(),
                });
                for inst in &item.instances {
                    out.push(Row::InstanceStart {
                        label: tr.args("census-instance", &[("what", label.clone()), ("n", inst.position.to_string())]),
                        remove: (!item.fixed_count).then(|| format!("remove:{}:{}", item.path, inst.index)),
                    });
                    rows(tr, live, &inst.items, out);
                    out.push(Row::InstanceEnd);
                }
                out.push(Row::RepeatEnd {
                    add: (!item.fixed_count)
                        .then(|| (format!("add:{}", item.path), tr.t1("census-add-instance", "what", label))),
                });
            }
            Kind::Calculate | Kind::Hidden | Kind::Meta(_) => {}
            _ => {
                let id = html_id(&item.path);
                out.push(Row::Question(Box::new(QuestionRow {
                    choices: item
                        .choices
                        .iter()
                        .enumerate()
                        .map(|(n, c)| ChoiceRow {
                            id: format!("{id}-{n}"),
                            name: c.name.clone(),
                            label: c.label.clone(),
                            selected: c.selected,
                        })
                        .collect(),
                    name: item.path.to_string(),
                    widget: widget(item),
                    label: item.label.clone().unwrap_or_else(|| item.path.name.clone()),
                    hint: item.hint.clone().unwrap_or_default(),
                    required: item.required,
                    read_only: item.read_only,
                    value: item.value.clone(),
                    errors: item.errors.iter().map(|i| issue_text(tr, i)).collect(),
                    live: live.contains(&item.path.name),
                    id,
                })));
            }
        }
    }
}

pub struct PageLink {
    pub n: usize,
    pub title: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "census/respond_page.html")]
struct FormPage {
    chrome: Chrome,
    link: String,
    comune: String,
    campaign: String,
    deadline: String,
    page: usize,
    pages: Vec<PageLink>,
    title: String,
    rows: Vec<Row>,
    error_count: usize,
    saved: bool,
    has_next: bool,
    has_prev: bool,
}

/// The pages a person fills in: those whose section is relevant now. A note standing alone
/// at the top level (a closing remark, a summary of totals) is not a page to fill: it is shown
/// on the summary page ([`closing_notes`]).
fn visible_pages(engine: &Engine<'_>, answers: &Answers, lang: &str) -> Vec<(usize, String)> {
    (0..engine.page_count())
        .filter_map(|n| {
            let v = engine.page(answers, n, lang, today(), false)?;
            let item = v.items.first()?;
            (item.visible && item.kind != Kind::Note)
                .then(|| (n, item.label.clone().unwrap_or_else(|| item.path.name.clone())))
        })
        .collect()
}

/// The relevant top-level notes, with their `${…}` filled in.
fn closing_notes(engine: &Engine<'_>, answers: &Answers, lang: &str) -> Vec<String> {
    (0..engine.page_count())
        .filter_map(|n| {
            let v = engine.page(answers, n, lang, today(), false)?;
            let item = v.items.first()?;
            (item.visible && item.kind == Kind::Note).then(|| item.label.clone()).flatten()
        })
        .collect()
}

#[expect(clippy::too_many_arguments, reason = "one page, many parts")]
fn page_response(
    state: &AppState,
    ctx: &RequestCtx,
    link: &str,
    c: &Ctx,
    engine: &Engine<'_>,
    answers: &Answers,
    n: usize,
    check: bool,
    saved: bool,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let lang = c.compiled.form().language_for(ctx.lang.code());
    let Some(view): Option<PageView> = engine.page(answers, n, &lang, today(), check) else {
        return Err(WebError::NotFound);
    };
    let pages = visible_pages(engine, answers, &lang);
    let position = pages.iter().position(|(p, _)| *p == n);
    let mut out = Vec::new();
    let title = view.items.first().and_then(|i| i.label.clone()).unwrap_or_default();
    // The page's own group is the page: render its content, not a nested box.
    let live = referenced(c.compiled.form());
    match view.items.first() {
        Some(root) if root.kind == Kind::Group => rows(&tr, &live, &root.children, &mut out),
        _ => rows(&tr, &live, &view.items, &mut out),
    }
    // A repeat that is the page: its title is the page's heading already.
    if let Some(Row::RepeatStart { label, .. }) = out.first_mut() {
        label.clear();
    }
    let error_count = view.issues().len();
    let mut res = render(FormPage {
        chrome: Chrome::anonymous(state, ctx),
        link: link.to_owned(),
        comune: c.invitation.comune_name.clone(),
        campaign: c.campaign.name.clone(),
        deadline: tr.date(&c.campaign.deadline),
        page: n,
        pages: pages.iter().map(|(p, t)| PageLink { n: *p, title: t.clone(), current: *p == n }).collect(),
        title,
        rows: out,
        error_count,
        saved,
        has_next: position.is_some_and(|i| i + 1 < pages.len()),
        has_prev: position.is_some_and(|i| i > 0),
    })?;
    if error_count > 0 {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

// ---------------------------------------------------------------------------------------------
// Handlers

/// The link itself: the first page (or the receipt, once submitted).
pub async fn start(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    let mut conn = state.db.pool().acquire().await?;
    census::mark_opened(&mut conn, c.invitation.id).await?;
    drop(conn);
    if c.submitted {
        return Ok(Redirect::to(&format!("/risposta/{link}/riepilogo")).into_response());
    }
    let engine = c.compiled.engine();
    let lang = c.compiled.form().language_for(ctx.lang.code());
    let first = visible_pages(engine, &c.answers, &lang).first().map_or(0, |(n, _)| *n);
    page_response(&state, &ctx, &link, &c, engine, &c.answers, first, false, false)
}

pub async fn show_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((link, n)): Path<(String, usize)>,
) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    if c.submitted {
        return Ok(Redirect::to(&format!("/risposta/{link}/riepilogo")).into_response());
    }
    let engine = c.compiled.engine();
    page_response(&state, &ctx, &link, &c, engine, &c.answers, n, false, false)
}

/// A page posted: merged into the draft and saved whatever its errors (nothing typed is lost),
/// then the next page — or the same page with its errors. `op`: `next`, `prev`, `save`,
/// `add:REPEAT`, `remove:REPEAT:INDEX`, or `preview` (htmx: re-render, do not save).
pub async fn post_page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path((link, n)): Path<(String, usize)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    if c.submitted {
        return Err(WebError::Conflict("census-already-submitted"));
    }
    let engine = c.compiled.engine();
    if n >= engine.page_count() {
        return Err(WebError::NotFound);
    }
    let mut fields = pairs(&body);
    let op = fields.iter().find(|(k, _)| k == "op").map(|(_, v)| v.clone()).unwrap_or_else(|| "next".into());
    fields.retain(|(k, _)| k != "op");
    if let Some(repeat) = op.strip_prefix("add:") {
        let key = format!("{repeat}#count");
        match fields.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = (v.parse::<usize>().unwrap_or(0) + 1).to_string(),
            None => fields.push((key, "1".into())),
        }
    }
    let mut answers = engine.apply_post(&c.answers, &fields, n, today());
    if let Some(rest) = op.strip_prefix("remove:")
        && let Some((repeat, index)) = rest.rsplit_once(':')
        && let (Ok(path), Ok(index)) = (repeat.parse::<FieldPath>(), index.parse::<usize>())
    {
        answers = engine.remove_instance(&answers, &path, index);
    }
    answers = engine.compute(&answers, today());
    if op == "preview" {
        return page_response(&state, &ctx, &link, &c, engine, &answers, n, false, false);
    }
    let json = serde_json::to_string(&answers).map_err(|e| WebError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    census::save_draft(&mut tx, c.invitation.id, c.version_id, &json).await.map_err(|e| match e {
        StorageError::Conflict(_) => WebError::Conflict("census-already-submitted"),
        e => e.into(),
    })?;
    tx.commit().await.map_err(StorageError::from)?;
    let lang = c.compiled.form().language_for(ctx.lang.code());
    let page_issues = engine.page(&answers, n, &lang, today(), true).map_or(0, |p| p.issues().len());
    let pages = visible_pages(engine, &answers, &lang);
    let position = pages.iter().position(|(p, _)| *p == n);
    match op.as_str() {
        "next" if page_issues == 0 => {
            let next = position.and_then(|i| pages.get(i + 1)).map(|(p, _)| *p);
            Ok(Redirect::to(&match next {
                Some(p) => format!("/risposta/{link}/pagina/{p}"),
                None => format!("/risposta/{link}/riepilogo"),
            })
            .into_response())
        }
        "prev" => {
            let prev = position.and_then(|i| i.checked_sub(1)).and_then(|i| pages.get(i)).map_or(n, |(p, _)| *p);
            Ok(Redirect::to(&format!("/risposta/{link}/pagina/{prev}")).into_response())
        }
        "next" => page_response(&state, &ctx, &link, &c, engine, &answers, n, true, true),
        _ => page_response(&state, &ctx, &link, &c, engine, &answers, n, false, true),
    }
}

pub struct SummaryPage {
    pub n: usize,
    pub title: String,
    pub issues: Vec<String>,
}

#[derive(Template)]
#[template(path = "census/respond_summary.html")]
struct SummaryView {
    chrome: Chrome,
    link: String,
    comune: String,
    campaign: String,
    deadline: String,
    submitted: Option<String>,
    pages: Vec<SummaryPage>,
    notes: Vec<String>,
    issue_count: usize,
}

async fn summary_response(state: &AppState, ctx: &RequestCtx, link: &str, c: &Ctx) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let engine = c.compiled.engine();
    let lang = c.compiled.form().language_for(ctx.lang.code());
    let mut pages = Vec::new();
    let mut issue_count = 0;
    for (n, title) in visible_pages(engine, &c.answers, &lang) {
        let issues: Vec<String> = if c.submitted {
            Vec::new()
        } else {
            engine.page(&c.answers, n, &lang, today(), true).map_or_else(Vec::new, |p| {
                p.issues().into_iter().map(|i| format!("{}: {}", i.path, issue_text(&tr, i))).collect()
            })
        };
        issue_count += issues.len();
        pages.push(SummaryPage { n, title, issues });
    }
    render(SummaryView {
        chrome: Chrome::anonymous(state, ctx),
        link: link.to_owned(),
        comune: c.invitation.comune_name.clone(),
        campaign: c.campaign.name.clone(),
        deadline: tr.date(&c.campaign.deadline),
        submitted: c.invitation.submitted_at.map(|t| tr.datetime(t)),
        pages,
        notes: closing_notes(engine, &engine.compute(&c.answers, today()), &lang),
        issue_count,
    })
}

pub async fn summary(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    summary_response(&state, &ctx, &link, &c).await
}

/// Submission: everything relevant is validated by the engine; with no issue the answers are
/// finalised (non-relevant answers dropped, calculations done) and stored as submitted.
pub async fn submit(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    if c.submitted {
        return Ok(Redirect::to(&format!("/risposta/{link}/riepilogo")).into_response());
    }
    let engine = c.compiled.engine();
    let lang = c.compiled.form().language_for(ctx.lang.code());
    let issues = engine.validate(&c.answers, &lang, today());
    if !issues.is_empty() {
        let mut res = summary_response(&state, &ctx, &link, &c).await?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let final_answers = engine.finalize(&c.answers, today());
    let json = serde_json::to_string(&final_answers).map_err(|e| WebError::Internal(e.into()))?;
    let mut tx = state.db.begin().await?;
    // The draft saved with the final answers and submitted (a form submitted straight away
    // gets its draft now), in as few statements as the write lock allows.
    census::save_and_submit(&mut tx, c.invitation.id, c.version_id, &json).await.map_err(|e| match e {
        StorageError::Conflict(_) => WebError::Conflict("census-already-submitted"),
        e => e.into(),
    })?;
    audit::append(
        &mut tx,
        &NewEntry {
            actor_label: format!("link:{}", c.invitation.comune_code),
            action: "census.response.submit".into(),
            outcome: "ok".into(),
            record_type: "census_invitation".into(),
            record_id: c.invitation.id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: json!({"campaign": c.campaign.id, "form_version": c.version_id}).to_string(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    tracing::info!(invitation = c.invitation.id, "census response submitted");
    Ok(Redirect::to(&format!("/risposta/{link}/riepilogo")).into_response())
}

/// The compilation guide of the campaign's questionnaire, addressed to this Comune.
pub async fn guide(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    let tr = Tr::new(ctx.lang);
    let guide = super::document::GuideContext {
        campaign: &c.campaign.name,
        deadline: &c.campaign.deadline,
        comune: Some(&c.invitation.comune_name),
    };
    let data = super::document::guide_data(&tr, c.compiled.form(), &state.config.instance_name, Some(&guide));
    let bytes = super::document::render_async(&state.pdf, data).await?;
    Ok(super::document::pdf_response(bytes, "guida-alla-compilazione.pdf"))
}

/// The receipt of the submitted response: what was sent, when, and its SHA-256 fingerprint.
pub async fn receipt(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let c = match open(&state, &ctx, &link).await? {
        Ok(c) => c,
        Err(res) => return Ok(res),
    };
    let mut conn = state.db.pool().acquire().await?;
    let response = census::response_of(&mut conn, c.invitation.id).await?;
    let Some(response) = response.filter(|r| r.is_submitted()) else {
        return Ok(Redirect::to(&format!("/risposta/{link}/riepilogo")).into_response());
    };
    let version = census::version(&mut conn, response.form_version_id).await?;
    drop(conn);
    let mut tx = state.db.begin().await?;
    audit::append(
        &mut tx,
        &NewEntry {
            actor_label: format!("link:{}", c.invitation.comune_code),
            action: "census.response.receipt".into(),
            outcome: "ok".into(),
            record_type: "census_invitation".into(),
            record_id: c.invitation.id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    let tr = Tr::new(ctx.lang);
    let facts = super::document::ReceiptContext {
        campaign: &c.campaign.name,
        comune: &c.invitation.comune_name,
        submitted_at: response.submitted_at.unwrap_or(response.updated_at),
        revision: response.revision,
        version: &format!("{} {}", version.form_key, version.version),
    };
    let data = super::document::receipt_data(&tr, c.compiled.form(), &c.answers, &state.config.instance_name, &facts);
    let bytes = super::document::render_async(&state.pdf, data).await?;
    let name = format!("ricevuta-{}.pdf", c.invitation.comune_code);
    Ok(super::document::pdf_response(bytes, &name))
}
