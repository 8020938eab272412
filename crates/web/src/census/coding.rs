//! Coding open answers: the campaign's free-text "other" questions with how many answers are
//! coded, and for one question its codebook (add and retire codes), the frequency table of its
//! codes, and its distinct answers — grouped by normalised text, with how many Comuni gave each
//! and the suggested code preselected — with one form that codes many answers at once. The
//! answers are the clean ones (corrections applied); a code holds while the clean text is the
//! one it was given on (`argine_domain::census::coding`). The secretariat only
//! (`ManageCensus`); the question page shows answers and is audited as a read of personal data,
//! every write is audited.

use crate::AppState;
use crate::auth::{CurrentUser, audit_personal_read, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, fields, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_domain::census::answers::Answers;
use argine_domain::census::coding::{self as domain, CodeError, CodeRef, NewCode, Suggester, code_variable};
use argine_domain::census::engine::FieldPath;
use argine_domain::census::xlsform::Form;
use argine_storage::StorageError;
use argine_storage::census::{self, coding};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Responses read per page (as the exports).
const PAGE: i64 = 500;
/// Most answer groups listed on one page (uncoded first; the counts are always complete).
const MAX_GROUPS: usize = 300;

/// One answer of the question in the clean data.
struct OneAnswer {
    invitation_id: i64,
    comune_code: String,
    path: FieldPath,
    text: String,
    /// The code it has (`<question>_codice` in the clean answers), "" when uncoded.
    code: String,
}

/// The campaign, its questionnaire and the invitation id of each Comune.
async fn campaign_form(state: &AppState, id: i64) -> WebResult<(census::Campaign, Form, HashMap<String, i64>)> {
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let invitations = census::invitations(&mut conn, id).await?.into_iter().map(|i| (i.comune_code, i.id)).collect();
    drop(conn);
    let form = super::forms::definition(&v)?;
    Ok((c, form, invitations))
}

/// The answers to every question of `questions` in the clean data, by question name.
async fn answers(
    state: &AppState,
    campaign_id: i64,
    questions: &[domain::Question<'_>],
    invitations: &HashMap<String, i64>,
) -> WebResult<HashMap<String, Vec<OneAnswer>>> {
    let mut out: HashMap<String, Vec<OneAnswer>> = HashMap::new();
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
            let invitation_id = invitations.get(&r.comune_code).copied().unwrap_or_default();
            for q in questions {
                for (path, text) in domain::answers_of(q, &a) {
                    let code_path = FieldPath { repeats: path.repeats.clone(), name: code_variable(&path.name) };
                    let code = argine_domain::census::clean::value_at(&a, &code_path).to_owned();
                    out.entry(q.name().to_owned()).or_default().push(OneAnswer {
                        invitation_id,
                        comune_code: r.comune_code.clone(),
                        text: text.to_owned(),
                        path,
                        code,
                    });
                }
            }
        }
        if last {
            break;
        }
    }
    Ok(out)
}

fn label_of(form: &Form, q: &domain::Question<'_>, tr: &Tr) -> String {
    form.label(q.item, &form.language_for(tr.lang())).unwrap_or(q.name()).to_owned()
}

// ---------------------------------------------------------------------------------------------
// The list of questions

pub struct QuestionRow {
    pub name: String,
    pub label: String,
    pub repeat: String,
    pub answers: usize,
    pub coded: usize,
    pub uncoded: usize,
    pub distinct: usize,
}

#[derive(Template)]
#[template(path = "census/coding_list.html")]
struct ListPage {
    chrome: Chrome,
    id: i64,
    name: String,
    rows: Vec<QuestionRow>,
}

/// The campaign's free-text questions with their counts (no answer is shown: not a read of
/// personal data).
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (campaign, form, invitations) = campaign_form(&state, id).await?;
    let questions = domain::questions(&form);
    let all = answers(&state, id, &questions, &invitations).await?;
    let rows = questions
        .iter()
        .map(|q| {
            let list = all.get(q.name()).map(Vec::as_slice).unwrap_or_default();
            let list: Vec<&OneAnswer> = list.iter().filter(|a| !domain::normalise(&a.text).is_empty()).collect();
            let coded = list.iter().filter(|a| !a.code.is_empty()).count();
            let texts: Vec<(&str, &str)> = list.iter().map(|a| (a.comune_code.as_str(), a.text.as_str())).collect();
            QuestionRow {
                name: q.name().to_owned(),
                label: label_of(&form, q, &tr),
                repeat: q.repeat.unwrap_or_default().to_owned(),
                answers: list.len(),
                coded,
                uncoded: list.len() - coded,
                distinct: domain::group(&texts).len(),
            }
        })
        .collect();
    render(ListPage { chrome: Chrome::for_user(&state, &ctx, &user), id, name: campaign.name, rows })
}

// ---------------------------------------------------------------------------------------------
// One question

pub struct CodeRow {
    pub id: i64,
    pub code: String,
    pub label: String,
    pub description: String,
    pub retired: bool,
    pub count: usize,
}

pub struct GroupRow {
    /// The group's key (normalised text), sent back by the form.
    pub key: String,
    pub text: String,
    /// The other spellings, with how many answers had each.
    pub variants: String,
    pub comuni: usize,
    pub answers: usize,
    /// The codes the group's answers have now: `VICESINDACO (3)`, "" when none.
    pub current: String,
    pub uncoded: usize,
    /// The id of the code preselected (0 for none): the group's own code when all its answers
    /// have one, else the best suggestion.
    pub selected: i64,
    /// The suggestion, as `CODE (score)`, "" when none.
    pub suggestion: String,
}

/// What the add-code form holds.
#[derive(Default)]
pub struct CodeForm {
    pub code: String,
    pub label: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "census/coding_question.html")]
struct QuestionPage {
    chrome: Chrome,
    id: i64,
    name: String,
    question: String,
    /// `<question>_codice`.
    variable: String,
    label: String,
    codes: Vec<CodeRow>,
    /// Active codes for the selects: (id, "CODE — label").
    options: Vec<(i64, String)>,
    frequencies: Vec<(String, String, usize)>,
    uncoded: usize,
    total: usize,
    groups: Vec<GroupRow>,
    truncated: bool,
    form: CodeForm,
    errors: Vec<String>,
    notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct QuestionQuery {
    /// How many answers were just coded.
    assegnate: String,
    /// `nessuna`: the assign form had no answer ticked.
    errore: String,
}

/// The codable question `name` of the form, or 404.
fn find_question<'f>(form: &'f Form, name: &str) -> WebResult<domain::Question<'f>> {
    domain::questions(form).into_iter().find(|q| q.name() == name).ok_or(WebError::NotFound)
}

#[expect(clippy::too_many_arguments, reason = "the page's parts, each from the request or the form")]
async fn render_question(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    question: &str,
    form_state: CodeForm,
    errors: Vec<String>,
    notice: Option<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let (campaign, form, invitations) = campaign_form(state, id).await?;
    let q = find_question(&form, question)?;
    let mut conn = state.db.pool().acquire().await?;
    let book = coding::codes(&mut conn, id, question).await?;
    drop(conn);
    let list = answers(state, id, std::slice::from_ref(&q), &invitations).await?.remove(question).unwrap_or_default();
    let list: Vec<OneAnswer> = list.into_iter().filter(|a| !domain::normalise(&a.text).is_empty()).collect();
    audit_personal_read(
        state,
        ctx,
        (user.user.id, user.label()),
        ("census_responses", id.to_string()),
        json!({"view": "coding", "question": question, "answers": list.len()}),
    )
    .await?;

    let by_code: HashMap<&str, &coding::Code> = book.iter().map(|c| (c.code.as_str(), c)).collect();
    let freq = domain::frequencies(list.iter().filter(|a| !a.code.is_empty()).map(|a| a.code.as_str()));
    let counts: HashMap<&str, usize> = freq.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let refs: Vec<CodeRef<'_>> =
        book.iter().map(|c| CodeRef { id: c.id, code: &c.code, label: &c.label, retired: c.is_retired() }).collect();
    let coded: Vec<(i64, &str)> =
        list.iter().filter_map(|a| by_code.get(a.code.as_str()).map(|c| (c.id, a.text.as_str()))).collect();
    let suggester = Suggester::new(&refs, &coded);
    let texts: Vec<(&str, &str)> = list.iter().map(|a| (a.comune_code.as_str(), a.text.as_str())).collect();
    let mut groups: Vec<GroupRow> = domain::group(&texts)
        .into_iter()
        .map(|g| {
            let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
            let mut uncoded = 0;
            for &m in &g.members {
                match list[m].code.as_str() {
                    "" => uncoded += 1,
                    c => *codes.entry(c).or_default() += 1,
                }
            }
            let own = match (codes.len(), uncoded) {
                (1, 0) => codes.keys().next().and_then(|c| by_code.get(c)).filter(|c| !c.is_retired()).map(|c| c.id),
                _ => None,
            };
            let best = suggester.best(g.display());
            let suggestion = best
                .and_then(|s| book.iter().find(|c| c.id == s.code_id).map(|c| (c, s.score)))
                .map(|(c, score)| format!("{} ({:.2})", c.code, score))
                .unwrap_or_default();
            GroupRow {
                key: g.normalised.clone(),
                text: g.display().to_owned(),
                variants: g.variants.iter().skip(1).map(|(t, n)| format!("{t} ({n})")).collect::<Vec<_>>().join("; "),
                comuni: g.comuni,
                answers: g.members.len(),
                current: codes.iter().map(|(c, n)| format!("{c} ({n})")).collect::<Vec<_>>().join(", "),
                uncoded,
                selected: own.or(best.map(|s| s.code_id)).unwrap_or_default(),
                suggestion,
            }
        })
        .collect();
    // Groups with uncoded answers first, keeping the order by Comuni within each part.
    groups.sort_by_key(|g| g.uncoded == 0);
    let truncated = groups.len() > MAX_GROUPS;
    groups.truncate(MAX_GROUPS);

    let uncoded = list.iter().filter(|a| a.code.is_empty()).count();
    let failed = !errors.is_empty();
    let mut res = render(QuestionPage {
        chrome: Chrome::for_user(state, ctx, user),
        id,
        name: campaign.name,
        question: question.to_owned(),
        variable: code_variable(question),
        label: label_of(&form, &q, &tr),
        codes: book
            .iter()
            .map(|c| CodeRow {
                id: c.id,
                code: c.code.clone(),
                label: c.label.clone(),
                description: c.description.clone(),
                retired: c.is_retired(),
                count: counts.get(c.code.as_str()).copied().unwrap_or_default(),
            })
            .collect(),
        options: book.iter().filter(|c| !c.is_retired()).map(|c| (c.id, format!("{} — {}", c.code, c.label))).collect(),
        frequencies: freq
            .iter()
            .map(|(c, n)| (c.clone(), by_code.get(c.as_str()).map(|k| k.label.clone()).unwrap_or_default(), *n))
            .collect(),
        uncoded,
        total: list.len(),
        groups,
        truncated,
        form: form_state,
        errors,
        notice,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// A question's codebook, code frequencies and answers with suggested codes.
pub async fn question(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, question)): Path<(i64, String)>,
    Query(q): Query<QuestionQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let notice = match (q.assegnate.parse::<usize>(), q.errore.as_str()) {
        (_, "nessuna") => Some(tr.t("coding-assign-none-ticked")),
        (Ok(n), _) => Some(tr.t1("coding-assigned", "n", n)),
        _ => None,
    };
    render_question(&state, &ctx, &user, id, &question, CodeForm::default(), Vec::new(), notice).await
}

fn base(id: i64, question: &str) -> String {
    format!("/censimento/campagne/{id}/codifica/{question}")
}

/// Adds a code to the question's codebook; on a problem the page comes back with what was typed.
pub async fn add_code(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, question)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (_, form, _) = campaign_form(&state, id).await?;
    find_question(&form, &question)?;
    let f = pairs(&body);
    let typed = CodeForm { code: field(&f, "code"), label: field(&f, "label"), description: field(&f, "description") };
    let parsed = match NewCode::parse(&typed.code, &typed.label, &typed.description) {
        Ok(c) => c,
        Err(errors) => {
            let errors = errors.iter().map(|e: &CodeError| tr.t(&format!("coding-error-{}", e.code()))).collect();
            return render_question(&state, &ctx, &user, id, &question, typed, errors, None).await;
        }
    };
    let mut tx = state.db.begin().await?;
    let new = coding::NewCode {
        campaign_id: id,
        question: &question,
        code: parsed.code.as_str(),
        label: &parsed.label,
        description: &parsed.description,
    };
    let code_id = match coding::add_code(&mut tx, &new, Some(user.user.id)).await {
        Ok(c) => c,
        Err(StorageError::Conflict(_)) => {
            drop(tx);
            let errors = vec![tr.t1("coding-error-exists", "code", parsed.code.as_str())];
            return render_question(&state, &ctx, &user, id, &question, typed, errors, None).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.code.add",
        ("census_campaign", id),
        json!({"question": question, "code_id": code_id, "code": parsed.code.as_str(), "label": parsed.label}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("{}#codici", base(id, &question))).into_response())
}

/// Retires a code: no longer offered; the answers coded with it keep it.
pub async fn retire(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, question, code_id)): Path<(i64, String, i64)>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let book = coding::codes(&mut conn, id, &question).await?;
    drop(conn);
    let Some(code) = book.iter().find(|c| c.id == code_id) else { return Err(WebError::NotFound) };
    let mut tx = state.db.begin().await?;
    coding::retire_code(&mut tx, id, code_id, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.code.retire",
        ("census_campaign", id),
        json!({"question": question, "code_id": code_id, "code": code.code}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("{}#codici", base(id, &question))).into_response())
}

/// Codes the ticked answer groups: each with the code chosen on its row, or all with the code
/// chosen for all (`tutti`). Every answer of the group (same normalised text) gets it.
pub async fn assign(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, question)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let (_, form, invitations) = campaign_form(&state, id).await?;
    let q = find_question(&form, &question)?;
    let f = pairs(&body);
    let all = field(&f, "tutti");
    let mut wanted: HashMap<String, i64> = HashMap::new();
    for i in fields(&f, "sel") {
        let key = field(&f, &format!("t{i}"));
        let code = if all.is_empty() { field(&f, &format!("c{i}")) } else { all.clone() };
        if code.is_empty() {
            continue;
        }
        let code: i64 = code.parse().map_err(|_| WebError::BadRequest("coding-invalid"))?;
        wanted.insert(key, code);
    }
    if wanted.is_empty() {
        return Ok(Redirect::to(&format!("{}?errore=nessuna#risposte", base(id, &question))).into_response());
    }
    let list = answers(&state, id, std::slice::from_ref(&q), &invitations).await?.remove(&question).unwrap_or_default();
    let paths: Vec<(String, &OneAnswer, i64)> = list
        .iter()
        .filter_map(|a| wanted.get(&domain::normalise(&a.text)).map(|c| (a.path.to_string(), a, *c)))
        .collect();
    let new: Vec<coding::NewAssignment<'_>> = paths
        .iter()
        .map(|(path, a, code_id)| coding::NewAssignment {
            invitation_id: a.invitation_id,
            path,
            coded_text: &a.text,
            code_id: *code_id,
        })
        .collect();
    let mut tx = state.db.begin().await?;
    let n = match coding::assign(&mut tx, id, &question, &new, Some(user.user.id)).await {
        Ok(n) => n,
        Err(StorageError::NotFound) => return Err(WebError::BadRequest("coding-invalid")),
        Err(e) => return Err(e.into()),
    };
    let mut by_code: BTreeMap<i64, usize> = BTreeMap::new();
    for (_, _, c) in &paths {
        *by_code.entry(*c).or_default() += 1;
    }
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.code.assign",
        ("census_campaign", id),
        json!({"question": question, "groups": wanted.len(), "answers": paths.len(), "assigned": n, "codes": by_code}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("{}?assegnate={n}#risposte", base(id, &question))).into_response())
}
