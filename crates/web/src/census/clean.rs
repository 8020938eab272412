//! Data control ("raw and clean"): a campaign's issue list from the data-control rules run
//! over the clean answers, a Comune's response with raw and clean values side by side and the
//! history of its corrections, and the secretariat's writes — correct a value, withdraw a
//! correction, accept an issue. Reads show responses (personal data: the referent's name and
//! contacts) and are audited; every write is audited.

use crate::AppState;
use crate::auth::{CurrentUser, audit_personal_read, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::census::answers::Answers;
use argine_domain::census::clean::{self as domain, CorrectionError, NewCorrection, Source};
use argine_domain::census::engine::{Engine, FieldPath};
use argine_domain::census::rules::{self, Finding, Reference, RuleSet};
use argine_domain::census::xlsform::{Form, Kind};
use argine_storage::StorageError;
use argine_storage::census::{self, Invitation, clean};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Responses read per page when running the rules (as the exports).
const PAGE: i64 = 500;
/// Most issues listed on one page (the counts are always complete).
const MAX_LISTED: usize = 500;

/// An issue as listed.
pub struct IssueRow {
    pub rule: String,
    pub rule_label: String,
    pub comune_code: String,
    pub comune: String,
    pub invitation_id: i64,
    pub subject: String,
    pub message: String,
    pub values: Vec<(String, String)>,
    pub fingerprint: String,
    pub accepted: Option<String>,
    /// The latest query to the Comune about this issue.
    pub query: Option<super::query::QueryBadge>,
    /// A new query can be sent (none yet, or the latest is closed).
    pub can_ask: bool,
}

pub struct Count {
    pub key: String,
    pub label: String,
    pub open: usize,
    pub accepted: usize,
}

#[derive(Template)]
#[template(path = "census/clean_issues.html")]
struct IssuesPage {
    chrome: Chrome,
    id: i64,
    name: String,
    regola: String,
    comune: String,
    stato: String,
    open: usize,
    accepted: usize,
    by_rule: Vec<Count>,
    by_comune: Vec<Count>,
    rows: Vec<IssueRow>,
    truncated: bool,
    can_manage: bool,
    accept_error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct IssuesQuery {
    regola: String,
    comune: String,
    /// aperte (default) | accettate | tutte
    stato: String,
    errore: String,
}

/// The campaign's questionnaire.
async fn campaign_form(state: &AppState, id: i64) -> WebResult<(census::Campaign, Form)> {
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    drop(conn);
    let form = super::forms::definition(&v)?;
    Ok((c, form))
}

/// Population and neighbours of the Comuni of the responses, from the territory data.
fn reference(state: &AppState, codes: &[&str]) -> Reference {
    let t = state.territory();
    let mut r = Reference::default();
    for code in codes {
        let Some(found) = t.resolve(code) else { continue };
        r.population.insert((*code).to_owned(), found.current.pop_total);
        let around = t.neighbours_of(found.current).into_iter().map(|c| c.istat.clone()).collect();
        r.neighbours.insert((*code).to_owned(), around);
    }
    r
}

/// Runs the default rules over the clean answers of the campaign: the findings and the
/// Comuni's names by code.
pub async fn run_rules(state: &AppState, campaign_id: i64, form: &Form) -> WebResult<Vec<(Finding, String)>> {
    let mut responses: Vec<(String, String, Answers)> = Vec::new();
    let mut after = String::new();
    loop {
        let mut conn = state.db.pool().acquire().await?;
        let page = census::clean_page(&mut conn, campaign_id, &after, PAGE).await?;
        drop(conn);
        let last = usize::try_from(PAGE).is_ok_and(|p| page.len() < p);
        if let Some(r) = page.last() {
            after.clone_from(&r.comune_code);
        }
        for r in page {
            let a: Answers = serde_json::from_str(&r.answers)
                .map_err(|e| WebError::Internal(anyhow::anyhow!("response {} is unreadable: {e}", r.id)))?;
            responses.push((r.comune_code, r.comune_name, a));
        }
        if last {
            break;
        }
    }
    let codes: Vec<&str> = responses.iter().map(|r| r.0.as_str()).collect();
    let reference = reference(state, &codes);
    let set = RuleSet::default_for(form);
    let list: Vec<rules::Response<'_>> = responses
        .iter()
        .map(|(code, name, a)| rules::Response { comune_code: code, comune_name: name, answers: a })
        .collect();
    let names: HashMap<&str, &str> = responses.iter().map(|(c, n, _)| (c.as_str(), n.as_str())).collect();
    let today = time::OffsetDateTime::now_utc().date();
    Ok(rules::run(&set, &list, &reference, today)
        .into_iter()
        .map(|f| {
            let name = names.get(f.comune_code.as_str()).copied().unwrap_or_default().to_owned();
            (f, name)
        })
        .collect())
}

fn rule_label(tr: &Tr, rule: &str) -> String {
    tr.t(&format!("census-rule-title-{rule}"))
}

pub async fn issues(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<IssuesQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensusResponses, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (campaign, form) = campaign_form(&state, id).await?;
    let findings = run_rules(&state, id, &form).await?;
    let mut conn = state.db.pool().acquire().await?;
    let decisions: HashMap<(String, String, String), clean::IssueDecision> = clean::issue_decisions(&mut conn, id)
        .await?
        .into_iter()
        .map(|d| ((d.rule.clone(), d.comune_code.clone(), d.subject.clone()), d))
        .collect();
    let invitations: HashMap<String, i64> =
        census::invitations(&mut conn, id).await?.into_iter().map(|i| (i.comune_code, i.id)).collect();
    drop(conn);
    let mut queried = super::query::latest_by_issue(&state, &tr, id).await?;
    let stato = match q.stato.as_str() {
        "accettate" | "tutte" => q.stato.clone(),
        _ => "aperte".to_owned(),
    };
    let mut by_rule: BTreeMap<String, Count> = BTreeMap::new();
    let mut by_comune: BTreeMap<String, Count> = BTreeMap::new();
    let (mut open, mut accepted, mut rows, mut truncated) = (0, 0, Vec::new(), false);
    for (f, name) in &findings {
        let fingerprint = f.fingerprint();
        let decision = decisions
            .get(&(f.rule.clone(), f.comune_code.clone(), f.subject.clone()))
            .filter(|d| d.decision == "accepted" && d.fingerprint == fingerprint);
        let is_accepted = decision.is_some();
        let r = by_rule.entry(f.rule.clone()).or_insert_with(|| Count {
            key: f.rule.clone(),
            label: rule_label(&tr, &f.rule),
            open: 0,
            accepted: 0,
        });
        let c = by_comune.entry(f.comune_code.clone()).or_insert_with(|| Count {
            key: f.comune_code.clone(),
            label: name.clone(),
            open: 0,
            accepted: 0,
        });
        if is_accepted {
            accepted += 1;
            r.accepted += 1;
            c.accepted += 1;
        } else {
            open += 1;
            r.open += 1;
            c.open += 1;
        }
        let shown = match stato.as_str() {
            "aperte" => !is_accepted,
            "accettate" => is_accepted,
            _ => true,
        } && (q.regola.is_empty() || q.regola == f.rule)
            && (q.comune.is_empty() || q.comune == f.comune_code);
        if !shown {
            continue;
        }
        if rows.len() >= MAX_LISTED {
            truncated = true;
            continue;
        }
        let query = queried.remove(&(f.rule.clone(), f.comune_code.clone(), f.subject.clone()));
        rows.push(IssueRow {
            rule: f.rule.clone(),
            rule_label: rule_label(&tr, &f.rule),
            comune_code: f.comune_code.clone(),
            comune: name.clone(),
            invitation_id: invitations.get(&f.comune_code).copied().unwrap_or_default(),
            subject: f.subject.clone(),
            message: tr.args(&f.message, &f.args),
            values: f.values.iter().map(|(p, v)| (p.to_string(), v.clone())).collect(),
            fingerprint,
            accepted: decision.map(|d| d.note.clone()),
            can_ask: query.as_ref().is_none_or(|q| q.status == "closed"),
            query,
        });
    }
    audit_personal_read(
        &state,
        &ctx,
        (user.user.id, user.label()),
        ("census_responses", id.to_string()),
        json!({"view": "data_control", "issues": findings.len()}),
    )
    .await?;
    let mut by_comune: Vec<Count> = by_comune.into_values().collect();
    by_comune.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.key.cmp(&b.key)));
    by_comune.truncate(50);
    render(IssuesPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        id,
        name: campaign.name,
        regola: q.regola,
        comune: q.comune,
        stato,
        open,
        accepted,
        by_rule: by_rule.into_values().collect(),
        by_comune,
        rows,
        truncated,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        accept_error: (q.errore == "nota").then(|| tr.t("census-clean-accept-note-missing")),
    })
}

/// Accepts an issue: the values are right. Kept across reruns while the values are the same.
pub async fn accept(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let f = pairs(&body);
    let (rule, comune, subject, fingerprint, note) =
        (field(&f, "rule"), field(&f, "comune"), field(&f, "subject"), field(&f, "fingerprint"), field(&f, "note"));
    let mut conn = state.db.pool().acquire().await?;
    census::campaign(&mut conn, id).await?;
    drop(conn);
    let comune: String = comune.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    if rule.is_empty() || comune.is_empty() || note.chars().count() > domain::MAX_TEXT {
        return Err(WebError::BadRequest("census-clean-accept-invalid"));
    }
    if note.is_empty() {
        let back = format!("/censimento/campagne/{id}/controllo?comune={comune}&errore=nota#problemi");
        return Ok(Redirect::to(&back).into_response());
    }
    let mut tx = state.db.begin().await?;
    let key = clean::IssueKey { campaign_id: id, rule: &rule, comune_code: &comune, subject: &subject };
    let decision = clean::decide_issue(&mut tx, &key, "accepted", &fingerprint, &note, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.issue.accept",
        ("census_campaign", id),
        json!({"decision": decision, "rule": rule, "comune": comune, "subject": subject, "note": note}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/controllo?comune={comune}#problemi")).into_response())
}

/// One row of the raw/clean table.
pub struct ValueRow {
    pub path: String,
    pub label: String,
    pub raw: String,
    pub clean: String,
    pub changed: bool,
}

pub struct HistoryRow {
    pub id: i64,
    pub path: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    pub source: String,
    pub who: String,
    pub when: String,
    pub withdrawn: Option<String>,
}

/// What the correction form holds: what was typed, or the question chosen from the table.
#[derive(Default)]
pub struct CorrectionForm {
    pub path: String,
    pub value: String,
    pub reason: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "census/clean_response.html")]
struct ResponsePage {
    chrome: Chrome,
    campaign_id: i64,
    campaign: String,
    inv: Invitation,
    submitted: bool,
    rows: Vec<ValueRow>,
    history: Vec<HistoryRow>,
    sources: Vec<(&'static str, String)>,
    form: CorrectionForm,
    errors: Vec<String>,
    can_manage: bool,
    saved: bool,
    queries: Vec<super::query::QueryBadge>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ResponseQuery {
    campo: String,
    salvato: String,
}

/// Raw answers, corrections and clean answers of one invitation.
pub(super) struct Loaded {
    pub campaign: census::Campaign,
    pub inv: Invitation,
    pub form: Form,
    pub raw: Option<Answers>,
    /// The clean answers (`None` while the Comune has not submitted).
    pub clean: Option<Answers>,
    pub history: Vec<clean::Correction>,
}

/// Loads an invitation of `campaign_id` (`NotFound` for another campaign's) with its raw and
/// clean answers.
pub(super) async fn load(state: &AppState, campaign_id: i64, invitation: i64) -> WebResult<Loaded> {
    let (campaign, form) = campaign_form(state, campaign_id).await?;
    let mut conn = state.db.pool().acquire().await?;
    let inv = census::invitation(&mut conn, invitation).await?;
    if inv.campaign_id != campaign_id {
        return Err(WebError::NotFound);
    }
    let response = census::response_of(&mut conn, inv.id).await?.filter(census::Response::is_submitted);
    let history = clean::corrections_of(&mut conn, inv.id).await?;
    drop(conn);
    let (raw, clean) = match response {
        None => (None, None),
        Some(r) => {
            let raw: Answers = serde_json::from_str(&r.answers)
                .map_err(|e| WebError::Internal(anyhow::anyhow!("response {} is unreadable: {e}", r.id)))?;
            let list = history.iter().map(clean::Correction::to_domain).collect::<Result<Vec<_>, _>>()?;
            let engine = Engine::new(&form).map_err(|e| WebError::Internal(anyhow::anyhow!("{e:?}")))?;
            let today = time::OffsetDateTime::from_unix_timestamp(r.submitted_at.unwrap_or_default())
                .map_or_else(|_| time::OffsetDateTime::now_utc().date(), |d| d.date());
            let clean = domain::clean_answers(&raw, &list, Some(&engine), today)
                .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?;
            (Some(raw), Some(clean))
        }
    };
    Ok(Loaded { campaign, inv, form, raw, clean, history })
}

/// Every answerable question of the form at every instance the raw or clean answers have.
pub(super) fn value_rows(tr: &Tr, form: &Form, raw: &Answers, clean: &Answers) -> Vec<ValueRow> {
    let mut out = Vec::new();
    for (repeats, item) in form.fields() {
        if matches!(item.kind, Kind::Note | Kind::Meta(_)) {
            continue;
        }
        let label = form.label(item, tr.lang()).unwrap_or(&item.name).to_owned();
        let paths: Vec<FieldPath> = match repeats.as_slice() {
            [] => vec![FieldPath::top(&item.name)],
            [r] => {
                let n = raw.repeat(r).len().max(clean.repeat(r).len());
                (0..n).map(|i| FieldPath::new(&[(r, i)], &item.name)).collect()
            }
            // Nested repeats are not in the census questionnaires.
            _ => Vec::new(),
        };
        for path in paths {
            let (r, c) = (domain::value_at(raw, &path), domain::value_at(clean, &path));
            if r.is_empty() && c.is_empty() {
                continue;
            }
            let label = if path.repeats.is_empty() {
                label.clone()
            } else {
                format!("{label} ({})", tr.t1("census-clean-instance", "n", path.repeats[0].1 + 1))
            };
            out.push(ValueRow {
                path: path.to_string(),
                label,
                raw: r.to_owned(),
                clean: c.to_owned(),
                changed: r != c,
            });
        }
    }
    out
}

async fn render_response(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    l: Loaded,
    form: CorrectionForm,
    errors: Vec<String>,
    saved: bool,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut conn = state.db.pool().acquire().await?;
    let mut ids: Vec<i64> = Vec::new();
    for h in &l.history {
        ids.extend(h.created_by);
        ids.extend(h.withdrawn_by);
    }
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id) {
            let name = argine_storage::accounts::get(&mut conn, id).await.map(|u| u.display_name).unwrap_or_default();
            e.insert(name);
        }
    }
    drop(conn);
    let who = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned()).unwrap_or_else(|| "—".into());
    let history = l
        .history
        .iter()
        .rev()
        .map(|h| HistoryRow {
            id: h.id,
            path: h.path.clone(),
            old_value: h.old_value.clone(),
            new_value: h.new_value.clone(),
            reason: h.reason.clone(),
            source: tr.t(&format!("census-clean-source-{}", h.source)),
            who: who(h.created_by),
            when: tr.datetime(h.created_at),
            withdrawn: h.withdrawn_at.map(|t| {
                let mut s = format!("{} · {}", tr.datetime(t), who(h.withdrawn_by));
                if !h.withdraw_reason.is_empty() {
                    s.push_str(&format!(" · {}", h.withdraw_reason));
                }
                s
            }),
        })
        .collect();
    let rows = match (&l.raw, &l.clean) {
        (Some(r), Some(c)) => value_rows(&tr, &l.form, r, c),
        _ => Vec::new(),
    };
    let failed = !errors.is_empty();
    let queries = super::query::of_invitation(state, &tr, l.inv.id).await?;
    let mut res = render(ResponsePage {
        chrome: Chrome::for_user(state, ctx, user),
        campaign_id: l.campaign.id,
        campaign: l.campaign.name,
        submitted: l.raw.is_some(),
        inv: l.inv,
        rows,
        history,
        sources: Source::ALL.iter().map(|s| (s.code(), tr.t(&format!("census-clean-source-{}", s.code())))).collect(),
        form,
        errors,
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        saved,
        queries,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A Comune's response: raw and clean values, the correction history, the correction form.
pub async fn response(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
    Query(q): Query<ResponseQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensusResponses, &Resource::Census).await?;
    let l = load(&state, id, invitation).await?;
    audit_personal_read(
        &state,
        &ctx,
        (user.user.id, user.label()),
        ("census_response", l.inv.id.to_string()),
        json!({"campaign": id, "view": "raw_and_clean"}),
    )
    .await?;
    let current = l.clean.as_ref().and_then(|c| q.campo.parse::<FieldPath>().ok().map(|p| domain::value_at(c, &p)));
    let form = CorrectionForm {
        value: current.unwrap_or_default().to_owned(),
        path: q.campo,
        source: String::new(),
        reason: String::new(),
    };
    render_response(&state, &ctx, &user, l, form, Vec::new(), q.salvato == "1").await
}

/// Whether `path` names a question of `form` at its place (a question inside a repeat needs the
/// repeat's instance, one outside must have none).
pub(super) fn fits_form(form: &Form, path: &FieldPath) -> bool {
    form.fields().iter().any(|(repeats, item)| {
        item.name == path.name
            && !matches!(item.kind, Kind::Note)
            && repeats.len() == path.repeats.len()
            && repeats.iter().zip(&path.repeats).all(|(r, (p, _))| r == p)
    })
}

/// Checks a parsed correction against the response it corrects: the path names a question of
/// the form at an instance the clean answers have, and the value changes.
pub(super) fn check_correction(
    form: &Form,
    clean_now: &Answers,
    c: NewCorrection,
) -> Result<NewCorrection, Vec<CorrectionError>> {
    let fits = fits_form(form, &c.path)
        && domain::apply(
            clean_now,
            &[domain::Correction { id: 0, path: c.path.clone(), new_value: c.new_value.clone(), withdrawn: false }],
        )
        .is_ok();
    if !fits {
        Err(vec![CorrectionError::Path])
    } else if domain::value_at(clean_now, &c.path) == c.new_value {
        Err(vec![CorrectionError::Unchanged])
    } else {
        Ok(c)
    }
}

/// Records a correction. On a problem, the page comes back with what was typed and every
/// problem.
pub async fn correct(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let l = load(&state, id, invitation).await?;
    let f = pairs(&body);
    let typed = CorrectionForm {
        path: field(&f, "path"),
        value: f.iter().find(|(k, _)| k == "value").map(|(_, v)| v.clone()).unwrap_or_default(),
        reason: f.iter().find(|(k, _)| k == "reason").map(|(_, v)| v.clone()).unwrap_or_default(),
        source: field(&f, "source"),
    };
    let Some(clean_now) = l.clean.clone() else { return Err(WebError::Conflict("census-clean-not-submitted")) };
    let parsed = NewCorrection::parse(&typed.path, &typed.value, &typed.reason, &typed.source);
    let checked = parsed.and_then(|c| check_correction(&l.form, &clean_now, c));
    let c = match checked {
        Ok(c) => c,
        Err(errors) => {
            audit_personal_read(
                &state,
                &ctx,
                (user.user.id, user.label()),
                ("census_response", l.inv.id.to_string()),
                json!({"campaign": id, "view": "raw_and_clean"}),
            )
            .await?;
            let errors = errors.iter().map(|e| tr.t(&format!("census-clean-error-{}", e.code()))).collect();
            return render_response(&state, &ctx, &user, l, typed, errors, false).await;
        }
    };
    let path = c.path.to_string();
    let old = domain::value_at(&clean_now, &c.path).to_owned();
    let mut tx = state.db.begin().await?;
    let correction = clean::add_correction(
        &mut tx,
        &clean::NewCorrection {
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
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.correction.add",
        ("census_invitation", l.inv.id),
        json!({"campaign": id, "correction": correction, "path": path, "reason": c.reason, "source": c.source.code()}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/comuni/{}/dati?salvato=1#storico", l.inv.id)).into_response())
}

/// Withdraws a correction (kept in the history): the value before it is back.
pub async fn withdraw(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation, correction)): Path<(i64, i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let inv = census::invitation(&mut conn, invitation).await?;
    drop(conn);
    if inv.campaign_id != id {
        return Err(WebError::NotFound);
    }
    let f = pairs(&body);
    let reason = field(&f, "reason");
    if reason.chars().count() > domain::MAX_TEXT {
        return Err(WebError::BadRequest("census-clean-error-too-long"));
    }
    let mut tx = state.db.begin().await?;
    clean::withdraw_correction(&mut tx, inv.id, correction, &reason, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.correction.withdraw",
        ("census_invitation", inv.id),
        json!({"campaign": id, "correction": correction, "reason": reason}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/comuni/{}/dati#storico", inv.id)).into_response())
}
