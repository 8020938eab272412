//! Queries to a Comune, the secretariat's side: during data control the secretariat asks a
//! Comune about an issue or a question instead of guessing the right value. The message goes
//! to the Comune's address (PEC first, else e-mail, as the campaign's mailing) with a secret
//! link of the query's own (`/richiesta/{token}`, see [`super::query_link`]), valid for
//! [`LINK_DAYS`] days whatever the campaign's state: the response link stops at closing, and
//! data control mostly comes after. Only the token's SHA-256 is stored; the token travels in
//! the encrypted e-mail job, queued in the same transaction as the query.
//!
//! The Comune's answer is a text and, when the query names a question, an optional proposed
//! value. The secretariat applies it as a correction (source `ricontatto`, the answer quoted
//! as the reason) or closes the query without change, with a note. Every page shows Comuni's
//! answers (personal data may be in them) and is an audited read; every write is audited.

use super::clean::{Loaded, check_correction, fits_form, load, run_rules, value_rows};
use crate::AppState;
use crate::auth::{CurrentUser, audit_personal_read, check};
use crate::error::{WebError, WebResult};
use crate::i18n::{Lang, Tr};
use crate::mail::{self, EmailMessage};
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_domain::auth::token;
use argine_domain::census::clean::{self as domain, MAX_TEXT, NewCorrection, Source};
use argine_domain::census::engine::FieldPath;
use argine_domain::census::query::{self as q, LINK_DAYS, NewQuery, QueryError};
use argine_domain::census::xlsform::{Form, Kind};
use argine_storage::StorageError;
use argine_storage::census::clean as stored_clean;
use argine_storage::census::queries::{self, Closing, Query};
use askama::Template;
use axum::extract::{Path, Query as UrlQuery, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::HashMap;

/// The state of a query as the issue list, the Comune's page and the list show it.
pub struct QueryBadge {
    pub id: i64,
    /// open | answered | closed
    pub status: String,
    pub label: String,
    pub path: String,
    pub sent: String,
}

/// The label of a query's state: open, answered, or how it was closed.
fn status_label(tr: &Tr, qr: &Query) -> String {
    match (qr.status.as_str(), qr.outcome.as_deref()) {
        ("closed", Some(outcome)) => tr.t(&format!("census-query-outcome-{outcome}")),
        (status, _) => tr.t(&format!("census-query-status-{status}")),
    }
}

pub fn badge(tr: &Tr, qr: &Query) -> QueryBadge {
    QueryBadge {
        id: qr.id,
        status: qr.status.clone(),
        label: status_label(tr, qr),
        path: qr.path.clone(),
        sent: tr.datetime(qr.created_at),
    }
}

/// The latest query of each issue (rule, comune code, subject) of a campaign.
pub async fn latest_by_issue(
    state: &AppState,
    tr: &Tr,
    campaign_id: i64,
) -> WebResult<HashMap<(String, String, String), QueryBadge>> {
    let mut conn = state.db.pool().acquire().await?;
    let list = queries::queries(&mut conn, campaign_id, None).await?;
    let mut out = HashMap::new();
    // Newest first: the first one of an issue is its latest.
    for qr in list.iter().filter(|qr| !qr.rule.is_empty()) {
        out.entry((qr.rule.clone(), qr.comune_code.clone(), qr.subject.clone())).or_insert_with(|| badge(tr, qr));
    }
    Ok(out)
}

/// The queries of one invitation, newest first.
pub async fn of_invitation(state: &AppState, tr: &Tr, invitation_id: i64) -> WebResult<Vec<QueryBadge>> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(queries::queries_of(&mut conn, invitation_id).await?.iter().map(|qr| badge(tr, qr)).collect())
}

/// The label of the question at `path` in `lang`, with its repeat instance (`E3 (scheda 2)`).
pub fn question_label(tr: &Tr, form: &Form, path: &FieldPath) -> String {
    let item = form.fields().into_iter().find(|(repeats, item)| {
        item.name == path.name
            && repeats.len() == path.repeats.len()
            && repeats.iter().zip(&path.repeats).all(|(r, (p, _))| r == p)
    });
    let label = item.map_or_else(
        || path.name.clone(),
        |(_, item)| form.label(item, &form.language_for(tr.lang())).unwrap_or(&item.name).to_owned(),
    );
    match path.repeats.first() {
        Some((_, i)) => format!("{label} ({})", tr.t1("census-clean-instance", "n", i + 1)),
        None => label,
    }
}

/// The kind of value a question takes (for checking a proposed value).
pub fn value_kind(form: &Form, path: &FieldPath) -> q::ValueKind {
    let kind = form.fields().into_iter().find(|(_, item)| item.name == path.name).map(|(_, item)| item.kind.clone());
    match kind {
        Some(Kind::Integer) => q::ValueKind::Integer,
        Some(Kind::Decimal) => q::ValueKind::Decimal,
        _ => q::ValueKind::Text,
    }
}

/// Where a query to this invitation goes: `(channel, address)`, as the campaign's mailing.
fn recipient(inv: &argine_storage::census::Invitation) -> Option<(&'static str, String)> {
    super::mailing::recipient(inv)
}

fn error_texts(tr: &Tr, errors: &[QueryError]) -> Vec<String> {
    errors.iter().map(|e| tr.t(&format!("census-query-error-{}", e.code()))).collect()
}

// ---------------------------------------------------------------------------------------------
// Asking

/// The issue a new query is about.
struct IssueContext {
    rule: String,
    rule_label: String,
    subject: String,
    fingerprint: String,
    message: String,
    paths: Vec<String>,
}

#[derive(Template)]
#[template(path = "census/query_new.html")]
struct NewPage {
    chrome: Chrome,
    campaign_id: i64,
    campaign: String,
    inv: argine_storage::census::Invitation,
    recipient: Option<String>,
    submitted: bool,
    issue: Option<IssueContext>,
    issue_gone: bool,
    questions: Vec<(String, String)>,
    path: String,
    message: String,
    errors: Vec<String>,
    days: i64,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NewQueryParams {
    regola: String,
    soggetto: String,
    campo: String,
}

/// The finding of `rule` about `subject` for this Comune, if the rules still find it.
async fn find_issue(
    state: &AppState,
    tr: &Tr,
    l: &Loaded,
    rule: &str,
    subject: &str,
) -> WebResult<Option<(IssueContext, String)>> {
    let findings = run_rules(state, l.campaign.id, &l.form).await?;
    let Some((f, _)) = findings
        .into_iter()
        .find(|(f, _)| f.rule == rule && f.comune_code == l.inv.comune_code && f.subject == subject)
    else {
        return Ok(None);
    };
    // The issue's own message names the values involved, in words a Comune reads.
    let it = Tr::new(Lang::It);
    let prefill = it.args(
        "census-query-prefill",
        &[
            ("comune", l.inv.comune_name.clone()),
            ("campaign", l.campaign.name.clone()),
            ("issue", it.args(&f.message, &f.args)),
        ],
    );
    let issue = IssueContext {
        rule: f.rule.clone(),
        rule_label: tr.t(&format!("census-rule-title-{}", f.rule)),
        subject: f.subject.clone(),
        fingerprint: f.fingerprint(),
        message: tr.args(&f.message, &f.args),
        paths: f.values.iter().map(|(p, _)| p.to_string()).collect(),
    };
    Ok(Some((issue, prefill)))
}

/// The prefilled message of a query with no issue: about a question, or free.
fn prefill_free(l: &Loaded, path: Option<&FieldPath>) -> String {
    let it = Tr::new(Lang::It);
    let base = [("comune", l.inv.comune_name.clone()), ("campaign", l.campaign.name.clone())];
    match (path, &l.clean) {
        (Some(p), Some(clean)) => {
            let value = domain::value_at(clean, p);
            let value = if value.is_empty() { it.t("census-query-empty-value") } else { value.to_owned() };
            let mut args = base.to_vec();
            args.push(("question", question_label(&it, &l.form, p)));
            args.push(("value", value));
            it.args("census-query-prefill-question", &args)
        }
        _ => it.args("census-query-prefill-free", &base),
    }
}

fn new_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    l: &Loaded,
    issue: (Option<IssueContext>, bool),
    typed: (String, String),
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let questions = match (&l.raw, &l.clean) {
        (Some(r), Some(c)) => value_rows(&tr, &l.form, r, c).into_iter().map(|row| (row.path, row.label)).collect(),
        _ => Vec::new(),
    };
    let failed = !errors.is_empty();
    let mut res = render(NewPage {
        chrome: Chrome::for_user(state, ctx, user),
        campaign_id: l.campaign.id,
        campaign: l.campaign.name.clone(),
        inv: l.inv.clone(),
        recipient: recipient(&l.inv).map(|(_, a)| a),
        submitted: l.clean.is_some(),
        issue: issue.0,
        issue_gone: issue.1,
        questions,
        path: typed.0,
        message: typed.1,
        errors,
        days: LINK_DAYS,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The form to ask a Comune, prefilled from the issue (`?regola=&soggetto=`) or the question
/// (`?campo=`) it is about.
pub async fn new(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
    UrlQuery(p): UrlQuery<NewQueryParams>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let l = load(&state, id, invitation).await?;
    audit_personal_read(
        &state,
        &ctx,
        (user.user.id, user.label()),
        ("census_response", l.inv.id.to_string()),
        json!({"campaign": id, "view": "query_new"}),
    )
    .await?;
    if l.clean.is_none() {
        // Nothing to ask about yet: the page says so (the follow-up is the contact log).
        return new_page(&state, &ctx, &user, &l, (None, false), (String::new(), String::new()), Vec::new());
    }
    let (issue, gone, message, path) = if p.regola.is_empty() {
        let path = p.campo.parse::<FieldPath>().ok().filter(|path| fits_form(&l.form, path));
        (None, false, prefill_free(&l, path.as_ref()), path.map(|p| p.to_string()).unwrap_or_default())
    } else {
        match find_issue(&state, &tr, &l, &p.regola, &p.soggetto).await? {
            Some((issue, prefill)) => {
                // The question: the subject when it names one, else the first value involved.
                let path = p
                    .soggetto
                    .parse::<FieldPath>()
                    .ok()
                    .filter(|path| fits_form(&l.form, path))
                    .map(|p| p.to_string())
                    .or_else(|| issue.paths.first().cloned())
                    .unwrap_or_default();
                (Some(issue), false, prefill, path)
            }
            None => (None, true, prefill_free(&l, None), String::new()),
        }
    };
    new_page(&state, &ctx, &user, &l, (issue, gone), (path, message), Vec::new())
}

/// Sends a query: stored with the SHA-256 of its new link, its e-mail queued in the same
/// transaction. On a problem the form comes back with what was typed.
pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let l = load(&state, id, invitation).await?;
    let Some(clean_now) = l.clean.as_ref() else { return Err(WebError::Conflict("census-query-not-submitted")) };
    let f = pairs(&body);
    let raw_message = f.iter().find(|(k, _)| k == "message").map(|(_, v)| v.clone()).unwrap_or_default();
    let (rule, subject, fingerprint, path) =
        (field(&f, "rule"), field(&f, "subject"), field(&f, "fingerprint"), field(&f, "path"));
    if rule.chars().count() > 100 || subject.chars().count() > 200 || fingerprint.chars().count() > MAX_TEXT {
        return Err(WebError::BadRequest("census-clean-accept-invalid"));
    }
    let mut errors = Vec::new();
    let parsed = NewQuery::parse(&raw_message, &path).map_err(|e| errors.extend(error_texts(&tr, &e))).ok();
    if let Some(p) = parsed.as_ref().and_then(|q| q.path.as_ref())
        && !(fits_form(&l.form, p)
            && domain::apply(
                clean_now,
                &[domain::Correction { id: 0, path: p.clone(), new_value: String::new(), withdrawn: false }],
            )
            .is_ok())
    {
        errors.push(tr.t("census-query-error-path"));
    }
    let to = recipient(&l.inv);
    if to.is_none() {
        errors.push(tr.t("census-query-error-no-address"));
    }
    let (Some(parsed), Some((channel, address)), true) = (parsed, to, errors.is_empty()) else {
        audit_personal_read(
            &state,
            &ctx,
            (user.user.id, user.label()),
            ("census_response", l.inv.id.to_string()),
            json!({"campaign": id, "view": "query_new"}),
        )
        .await?;
        let issue = if rule.is_empty() { None } else { find_issue(&state, &tr, &l, &rule, &subject).await? };
        let gone = !rule.is_empty() && issue.is_none();
        return new_page(&state, &ctx, &user, &l, (issue.map(|i| i.0), gone), (path, raw_message), errors);
    };
    let path = parsed.path.map(|p| p.to_string()).unwrap_or_default();
    let secret = token::new_secret("");
    let expires_at = argine_storage::now() + LINK_DAYS * 86_400;
    let mut tx = state.db.begin().await?;
    let query_id = queries::create_query(
        &mut tx,
        &queries::NewQuery {
            invitation_id: l.inv.id,
            rule: &rule,
            subject: &subject,
            fingerprint: &fingerprint,
            path: &path,
            message: &parsed.message,
            channel,
            token_hash: &token::digest(&secret),
            expires_at,
        },
        Some(user.user.id),
    )
    .await?;
    // The message is in Italian: it goes to an Italian Comune whatever the sender's language.
    let it = Tr::new(Lang::It);
    let base = state.config.public_url.trim_end_matches('/');
    let args = [
        ("comune", l.inv.comune_name.clone()),
        ("campaign", l.campaign.name.clone()),
        ("message", parsed.message.clone()),
        ("link", format!("{base}/richiesta/{secret}")),
        ("expires", it.datetime(expires_at)),
        ("instance", state.config.instance_name.clone()),
    ];
    let msg = EmailMessage {
        to: address,
        subject: it.args("census-query-mail-subject", &args),
        text: it.args("census-query-mail-body", &args),
        attachments: Vec::new(),
    };
    if let Some(job) = mail::enqueue_job(&mut tx, &state, &msg).await? {
        queries::set_query_job(&mut tx, query_id, job).await?;
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.query.create",
        ("census_query", query_id),
        json!({"campaign": id, "invitation": l.inv.id, "rule": rule, "subject": subject, "path": path,
               "channel": channel, "message": parsed.message}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/richieste/{query_id}?inviata=1")).into_response())
}

// ---------------------------------------------------------------------------------------------
// The list and one query

pub struct ListRow {
    pub id: i64,
    pub invitation_id: i64,
    pub comune: String,
    pub comune_code: String,
    pub about: String,
    pub path: String,
    pub sent: String,
    pub mail: String,
    pub status: String,
    pub status_label: String,
    pub answered: String,
}

#[derive(Template)]
#[template(path = "census/query_list.html")]
struct ListPage {
    chrome: Chrome,
    id: i64,
    name: String,
    stato: String,
    filters: Vec<(&'static str, String, i64)>,
    rows: Vec<ListRow>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListParams {
    stato: String,
}

/// The state of the query's e-mail (a purged job was done).
fn mail_state(tr: &Tr, qr: &Query) -> String {
    tr.t(&format!("census-mail-status-{}", qr.job_status.as_deref().unwrap_or("done")))
}

/// The filter of the list for a state, in the page's address (`?stato=…`, Italian as the
/// other pages' filters).
fn stato_of(s: q::Status) -> &'static str {
    match s {
        q::Status::Open => "in-attesa",
        q::Status::Answered => "con-risposta",
        q::Status::Closed => "chiuse",
    }
}

/// The campaign's queries, filtered by state (`?stato=in-attesa|con-risposta|chiuse`).
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    UrlQuery(p): UrlQuery<ListParams>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let campaign = argine_storage::census::campaign(&mut conn, id).await?;
    let status = q::Status::ALL.into_iter().find(|s| stato_of(*s) == p.stato);
    let list = queries::queries(&mut conn, id, status.map(q::Status::code)).await?;
    let counts: HashMap<String, i64> = queries::query_counts(&mut conn, id).await?.into_iter().collect();
    drop(conn);
    audit_personal_read(
        &state,
        &ctx,
        (user.user.id, user.label()),
        ("census_queries", id.to_string()),
        json!({"view": "queries", "status": status.map(q::Status::code), "queries": list.len()}),
    )
    .await?;
    let mut filters = vec![("", tr.t("census-query-filter-all"), counts.values().sum())];
    for s in q::Status::ALL {
        filters.push((
            stato_of(s),
            tr.t(&format!("census-query-status-{}", s.code())),
            counts.get(s.code()).copied().unwrap_or(0),
        ));
    }
    let rows = list
        .iter()
        .map(|qr| ListRow {
            id: qr.id,
            invitation_id: qr.invitation_id,
            comune: qr.comune_name.clone(),
            comune_code: qr.comune_code.clone(),
            about: if qr.rule.is_empty() {
                tr.t("census-query-free")
            } else {
                tr.t(&format!("census-rule-title-{}", qr.rule))
            },
            path: qr.path.clone(),
            sent: tr.datetime(qr.created_at),
            mail: mail_state(&tr, qr),
            status: qr.status.clone(),
            status_label: status_label(&tr, qr),
            answered: qr.answered_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        })
        .collect();
    render(ListPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        name: campaign.name,
        stato: status.map(stato_of).unwrap_or_default().to_owned(),
        filters,
        rows,
    })
}

#[derive(Template)]
#[template(path = "census/query_detail.html")]
struct DetailPage {
    chrome: Chrome,
    campaign_id: i64,
    campaign: String,
    qr: Query,
    about: String,
    question: String,
    status_label: String,
    sent: String,
    by: String,
    mail: String,
    expires: String,
    expired: bool,
    opened: String,
    answered: String,
    current: Option<String>,
    can_apply: bool,
    closed: String,
    closed_by: String,
    note: String,
    errors: Vec<String>,
    sent_now: bool,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DetailParams {
    inviata: String,
}

/// A query of the campaign, with its invitation's data (`NotFound` for another campaign's).
async fn load_query(state: &AppState, campaign_id: i64, query_id: i64) -> WebResult<(Query, Loaded)> {
    let mut conn = state.db.pool().acquire().await?;
    let qr = queries::query(&mut conn, query_id).await?;
    drop(conn);
    if qr.campaign_id != campaign_id {
        return Err(WebError::NotFound);
    }
    let l = load(state, campaign_id, qr.invitation_id).await?;
    Ok((qr, l))
}

/// What a detail page says besides the query: a note typed, errors, "just sent".
#[derive(Default)]
struct Notice {
    note: String,
    errors: Vec<String>,
    sent_now: bool,
}

impl Notice {
    fn errors(errors: Vec<String>) -> Self {
        Self { errors, ..Self::default() }
    }
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    qr: Query,
    l: Loaded,
    notice: Notice,
) -> WebResult<Response> {
    let Notice { note, errors, sent_now } = notice;
    let tr = Tr::new(ctx.lang);
    audit_personal_read(
        state,
        ctx,
        (user.user.id, user.label()),
        ("census_query", qr.id.to_string()),
        json!({"campaign": qr.campaign_id, "invitation": qr.invitation_id}),
    )
    .await?;
    let mut conn = state.db.pool().acquire().await?;
    let mut name_of = HashMap::new();
    for uid in [qr.created_by, qr.closed_by].into_iter().flatten() {
        let name = argine_storage::accounts::get(&mut conn, uid).await.map(|u| u.display_name).unwrap_or_default();
        name_of.insert(uid, name);
    }
    drop(conn);
    let who = |id: Option<i64>| id.and_then(|i| name_of.get(&i).cloned()).unwrap_or_else(|| "—".into());
    let path = qr.path.parse::<FieldPath>().ok();
    let current = match (&path, &l.clean) {
        (Some(p), Some(c)) => Some(domain::value_at(c, p).to_owned()),
        _ => None,
    };
    let can_apply = !qr.is_closed() && qr.proposed_value.is_some() && current.is_some();
    let failed = !errors.is_empty();
    let mut res = render(DetailPage {
        chrome: Chrome::for_user(state, ctx, user),
        campaign_id: l.campaign.id,
        campaign: l.campaign.name.clone(),
        about: if qr.rule.is_empty() {
            tr.t("census-query-free")
        } else {
            tr.t(&format!("census-rule-title-{}", qr.rule))
        },
        question: path.as_ref().map(|p| question_label(&tr, &l.form, p)).unwrap_or_default(),
        status_label: status_label(&tr, &qr),
        sent: tr.datetime(qr.created_at),
        by: who(qr.created_by),
        mail: mail_state(&tr, &qr),
        expires: tr.datetime(qr.expires_at),
        expired: qr.expires_at < argine_storage::now(),
        opened: qr.opened_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        answered: qr.answered_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        current,
        can_apply,
        closed: qr.closed_at.map(|t| tr.datetime(t)).unwrap_or_default(),
        closed_by: who(qr.closed_by),
        note,
        errors,
        sent_now,
        qr,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// One query: the message, the Comune's answer, and the secretariat's actions on it.
pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, query_id)): Path<(i64, i64)>,
    UrlQuery(p): UrlQuery<DetailParams>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let (qr, l) = load_query(&state, id, query_id).await?;
    detail_page(&state, &ctx, &user, qr, l, Notice { sent_now: p.inviata == "1", ..Notice::default() }).await
}

/// The `answered_at` the secretariat's page was showing (`""`: no answer yet).
fn seen_answer(f: &[(String, String)]) -> Result<Option<i64>, WebError> {
    match field(f, "answered_at").as_str() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| WebError::BadRequest("census-clean-accept-invalid")),
    }
}

fn closing_error(e: StorageError) -> WebError {
    match e {
        StorageError::Conflict(_) => WebError::Conflict("census-query-changed"),
        e => e.into(),
    }
}

/// Applies the Comune's proposed value as a correction (source `ricontatto`, the answer quoted
/// as the reason) and closes the query, in one transaction; only if the answer is still the one
/// the page showed.
pub async fn apply(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, query_id)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let seen = seen_answer(&f)?;
    let (qr, l) = load_query(&state, id, query_id).await?;
    if qr.is_closed() || qr.answered_at != seen {
        return Err(WebError::Conflict("census-query-changed"));
    }
    let Some(clean_now) = l.clean.clone() else { return Err(WebError::Conflict("census-query-not-submitted")) };
    let (Some(proposed), Some(answer)) = (qr.proposed_value.clone(), qr.answer.clone()) else {
        let errors = vec![tr.t("census-query-error-no-proposed")];
        return detail_page(&state, &ctx, &user, qr, l, Notice::errors(errors)).await;
    };
    // The reason quotes the answer, within the length a reason takes.
    let it = Tr::new(Lang::It);
    let reason_of = |answer: &str| {
        it.args(
            "census-query-correction-reason",
            &[
                ("id", qr.id.to_string()),
                ("date", it.datetime(qr.answered_at.unwrap_or_default())),
                ("answer", answer.to_owned()),
            ],
        )
    };
    let room = MAX_TEXT.saturating_sub(reason_of("").chars().count());
    let reason = q::shorten(&reason_of(&q::shorten(&answer, room)), MAX_TEXT);
    let checked = NewCorrection::parse(&qr.path, &proposed, &reason, Source::Ricontatto.code())
        .and_then(|c| check_correction(&l.form, &clean_now, c));
    let c = match checked {
        Ok(c) => c,
        Err(errors) => {
            let errors = errors
                .iter()
                .map(|e| match e {
                    domain::CorrectionError::Unchanged => tr.t("census-query-error-unchanged"),
                    e => tr.t(&format!("census-clean-error-{}", e.code())),
                })
                .collect();
            return detail_page(&state, &ctx, &user, qr, l, Notice::errors(errors)).await;
        }
    };
    let path = c.path.to_string();
    let old = domain::value_at(&clean_now, &c.path).to_owned();
    let mut tx = state.db.begin().await?;
    let correction = stored_clean::add_correction(
        &mut tx,
        &stored_clean::NewCorrection {
            invitation_id: l.inv.id,
            path: &path,
            old_value: &old,
            new_value: &c.new_value,
            reason: &c.reason,
            source: c.source.code(),
        },
        Some(user.user.id),
    )
    .await?;
    queries::close_query(
        &mut tx,
        qr.id,
        seen,
        &Closing::Corrected { correction_id: correction, note: "" },
        Some(user.user.id),
    )
    .await
    .map_err(closing_error)?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.correction.add",
        ("census_invitation", l.inv.id),
        json!({"campaign": id, "correction": correction, "path": path, "reason": c.reason, "source": c.source.code(),
               "query": qr.id}),
    )
    .await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.query.close",
        ("census_query", qr.id),
        json!({"campaign": id, "outcome": "corrected", "correction": correction}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/richieste/{}", qr.id)).into_response())
}

/// Closes a query without change, with a note (also one the Comune has not answered: it was
/// settled another way).
pub async fn close(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, query_id)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let seen = seen_answer(&f)?;
    let typed = f.iter().find(|(k, _)| k == "note").map(|(_, v)| v.clone()).unwrap_or_default();
    let (qr, l) = load_query(&state, id, query_id).await?;
    let note = match q::parse_close_note(&typed) {
        Ok(n) => n,
        Err(e) => {
            let notice = Notice { note: typed, errors: error_texts(&tr, &[e]), sent_now: false };
            return detail_page(&state, &ctx, &user, qr, l, notice).await;
        }
    };
    let mut tx = state.db.begin().await?;
    queries::close_query(&mut tx, qr.id, seen, &Closing::Unchanged { note: &note }, Some(user.user.id))
        .await
        .map_err(closing_error)?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.query.close",
        ("census_query", qr.id),
        json!({"campaign": id, "outcome": "unchanged", "note": note}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/richieste/{}", qr.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every problem and state a page may show has its message in both languages.
    #[test]
    fn every_error_and_state_is_translated() {
        let errors = [
            QueryError::MessageMissing,
            QueryError::Path,
            QueryError::AnswerMissing,
            QueryError::TooLong,
            QueryError::NotInteger,
            QueryError::NotNumber,
            QueryError::NoteMissing,
        ];
        let mut ids: Vec<String> = errors.iter().map(|e| format!("census-query-error-{}", e.code())).collect();
        ids.extend(q::Status::ALL.iter().map(|s| format!("census-query-status-{}", s.code())));
        ids.extend(["corrected", "unchanged"].iter().map(|o| format!("census-query-outcome-{o}")));
        for lang in Lang::ALL {
            for id in &ids {
                let text = Tr::new(lang).t(id);
                assert!(text != *id && !text.is_empty(), "{id} in {lang:?}");
            }
        }
        let it = Tr::new(Lang::It).args(
            "census-query-mail-body",
            &[("message", "M".into()), ("link", "L".into()), ("expires", "E".into()), ("instance", "I".into())],
        );
        assert!(it.starts_with("M\n\n") && it.contains("\nL\n"), "{it}");
    }
}
