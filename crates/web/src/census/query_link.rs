//! Queries to a Comune, the Comune's side: `/richiesta/{token}`, no account needed.
//!
//! The link is a capability for one query: whoever holds it reads the secretariat's message
//! with the question's current value, and answers. It works for [`LINK_DAYS`] days from
//! sending, whatever the campaign's state, until the secretariat closes the query. The Comune
//! may change its answer until then (each change replaces the answer and is audited): a typo
//! fixed the next morning needs no second e-mail. The secretariat's "apply" takes the answer it
//! was shown, never a newer one (storage compares the answer's time). Only the token's SHA-256
//! is stored. As with the response links (`/risposta/…`) there is no throttling: a token has
//! 256 random bits, so there is nothing to guess.
//!
//! [`LINK_DAYS`]: argine_domain::census::query::LINK_DAYS

use super::clean::{Loaded, load};
use super::query::{question_label, value_kind};
use crate::AppState;
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::pairs;
use crate::pages::{Chrome, render};
use argine_domain::auth::token;
use argine_domain::census::clean as domain;
use argine_domain::census::engine::FieldPath;
use argine_domain::census::query::Answer;
use argine_storage::StorageError;
use argine_storage::audit::{self, NewEntry};
use argine_storage::census::queries::{self, Query};
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

/// Why a link does not open its query.
fn link_problem(state: &AppState, ctx: &RequestCtx, body: &str, status: StatusCode) -> WebResult<Response> {
    let mut res = crate::pages::message(state, ctx, "census-query-link-title", body, None)?;
    *res.status_mut() = status;
    Ok(res)
}

/// The query of a link if it may be used now; `Err(page)` says why not (404 unknown, 410
/// expired or closed).
async fn open(state: &AppState, ctx: &RequestCtx, link: &str) -> WebResult<Result<(Query, Loaded), Response>> {
    let mut conn = state.db.pool().acquire().await?;
    let qr = match queries::query_by_link(&mut conn, &token::digest(link)).await {
        Ok(q) => q,
        Err(StorageError::NotFound) => {
            return Ok(Err(link_problem(state, ctx, "census-query-link-unknown", StatusCode::NOT_FOUND)?));
        }
        Err(e) => return Err(e.into()),
    };
    drop(conn);
    if qr.is_closed() {
        return Ok(Err(link_problem(state, ctx, "census-query-link-closed", StatusCode::GONE)?));
    }
    if !qr.link_works_at(argine_storage::now()) {
        return Ok(Err(link_problem(state, ctx, "census-query-link-expired", StatusCode::GONE)?));
    }
    let l = load(state, qr.campaign_id, qr.invitation_id).await?;
    Ok(Ok((qr, l)))
}

#[derive(Template)]
#[template(path = "census/query_answer.html")]
struct AnswerPage {
    chrome: Chrome,
    link: String,
    lead: String,
    message: String,
    question: Option<(String, String)>,
    answer: String,
    proposed: String,
    answered: Option<String>,
    errors: Vec<String>,
}

fn answer_page(
    state: &AppState,
    ctx: &RequestCtx,
    link: &str,
    (qr, l): (&Query, &Loaded),
    typed: (String, String),
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let question = qr.path.parse::<FieldPath>().ok().map(|p| {
        let value = l.clean.as_ref().map(|c| domain::value_at(c, &p).to_owned()).unwrap_or_default();
        let value = if value.is_empty() { tr.t("census-query-empty-value") } else { value };
        (question_label(&tr, &l.form, &p), value)
    });
    let failed = !errors.is_empty();
    let mut res = render(AnswerPage {
        chrome: Chrome::anonymous(state, ctx),
        link: link.to_owned(),
        lead: tr.args(
            "census-query-answer-lead",
            &[("campaign", l.campaign.name.clone()), ("comune", l.inv.comune_name.clone())],
        ),
        message: qr.message.clone(),
        question,
        answer: typed.0,
        proposed: typed.1,
        answered: qr.answered_at.map(|t| tr.datetime(t)),
        errors,
    })?;
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// The query: the secretariat's message, the question and its current value, the answer form
/// (with the earlier answer, when there is one).
pub async fn show(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let (qr, l) = match open(&state, &ctx, &link).await? {
        Ok(x) => x,
        Err(res) => return Ok(res),
    };
    let mut conn = state.db.pool().acquire().await?;
    queries::mark_query_opened(&mut conn, qr.id).await?;
    drop(conn);
    let typed = (qr.answer.clone().unwrap_or_default(), qr.proposed_value.clone().unwrap_or_default());
    answer_page(&state, &ctx, &link, (&qr, &l), typed, Vec::new())
}

/// The answer posted: stored (replacing an earlier one) and audited, then the receipt; on a
/// problem the page comes back with what was typed.
pub async fn post(
    State(state): State<AppState>,
    ctx: RequestCtx,
    Path(link): Path<String>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let (qr, l) = match open(&state, &ctx, &link).await? {
        Ok(x) => x,
        Err(res) => return Ok(res),
    };
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let raw = |name: &str| f.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (text, proposed) = (raw("answer"), raw("proposed"));
    let kind = qr.path.parse::<FieldPath>().ok().map(|p| value_kind(&l.form, &p));
    let answer = match Answer::parse(&text, &proposed, kind) {
        Ok(a) => a,
        Err(errors) => {
            let errors = errors.iter().map(|e| tr.t(&format!("census-query-error-{}", e.code()))).collect();
            return answer_page(&state, &ctx, &link, (&qr, &l), (text, proposed), errors);
        }
    };
    let now = argine_storage::now();
    let mut tx = state.db.begin().await?;
    match queries::answer_query(&mut tx, qr.id, &answer.text, answer.proposed.as_deref(), &token::digest(&link), now)
        .await
    {
        Ok(()) => {}
        // Closed or expired between the page and the post.
        Err(StorageError::Conflict(_)) => {
            return link_problem(&state, &ctx, "census-query-link-closed", StatusCode::GONE);
        }
        Err(e) => return Err(e.into()),
    }
    audit::append(
        &mut tx,
        &NewEntry {
            actor_label: format!("link:{}", qr.comune_code),
            action: "census.query.answer".into(),
            outcome: "ok".into(),
            record_type: "census_query".into(),
            record_id: qr.id.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: json!({"campaign": qr.campaign_id, "invitation": qr.invitation_id,
                            "edit": qr.answered_at.is_some(), "proposed": answer.proposed.is_some()})
            .to_string(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/richiesta/{link}/ricevuta")).into_response())
}

#[derive(Template)]
#[template(path = "census/query_receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    link: String,
    lead: String,
    answer: String,
    proposed: Option<String>,
    question: String,
}

/// What the Comune answered, and when.
pub async fn receipt(State(state): State<AppState>, ctx: RequestCtx, Path(link): Path<String>) -> WebResult<Response> {
    let (qr, l) = match open(&state, &ctx, &link).await? {
        Ok(x) => x,
        Err(res) => return Ok(res),
    };
    let (Some(answer), Some(at)) = (qr.answer.clone(), qr.answered_at) else {
        return Ok(Redirect::to(&format!("/richiesta/{link}")).into_response());
    };
    let tr = Tr::new(ctx.lang);
    let question = qr.path.parse::<FieldPath>().map(|p| question_label(&tr, &l.form, &p)).unwrap_or_default();
    render(ReceiptPage {
        chrome: Chrome::anonymous(&state, &ctx),
        link: link.clone(),
        lead: tr.args("census-query-receipt-lead", &[("comune", l.inv.comune_name.clone()), ("when", tr.datetime(at))]),
        answer,
        proposed: qr.proposed_value.clone(),
        question,
    })
}
