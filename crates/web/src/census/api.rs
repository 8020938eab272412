//! Census API: questionnaires and their versions (read-only).

use super::forms::definition;
use crate::AppState;
use crate::api::{Problem, json};
use crate::auth::{ApiUser, check};
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use argine_domain::access::{Action, Resource};
use argine_storage::census;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

/// A stored version of a questionnaire.
#[derive(Serialize, ToSchema)]
pub struct FormVersionOut {
    id: i64,
    version: String,
    title: String,
    questions: i64,
    /// SHA-256 of the workbook as uploaded.
    source_sha256: String,
    /// Unix time of publication; absent while a draft.
    published_at: Option<i64>,
    created_at: i64,
}

/// A questionnaire (one XLSForm `form_id`) and its versions, newest first.
#[derive(Serialize, ToSchema)]
pub struct FormOut {
    id: i64,
    form_id: String,
    title: String,
    versions: Vec<FormVersionOut>,
}

/// One version with its parsed XLSForm definition.
#[derive(Serialize, ToSchema)]
pub struct FormDefinitionOut {
    #[serde(flatten)]
    version: FormVersionOut,
    form_id: String,
    /// The parsed form: survey tree, choices, settings (argine's XLSForm model).
    #[schema(value_type = Object)]
    definition: serde_json::Value,
}

fn version_out(v: &census::FormVersion) -> FormVersionOut {
    FormVersionOut {
        id: v.id,
        version: v.version.clone(),
        title: v.title.clone(),
        questions: v.questions,
        source_sha256: v.source_sha256.clone(),
        published_at: v.published_at,
        created_at: v.created_at,
    }
}

#[utoipa::path(get, path = "/api/v1/census/forms", tag = "census",
    responses((status = 200, body = [FormOut]), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn forms(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let mut out = Vec::new();
    for f in census::forms(&mut conn).await? {
        let versions = census::versions(&mut conn, f.id).await?.iter().map(version_out).collect();
        out.push(FormOut { id: f.id, form_id: f.form_key, title: f.title, versions });
    }
    Ok(json(out))
}

#[utoipa::path(get, path = "/api/v1/census/form-versions/{id}", tag = "census",
    params(("id" = i64, Path, description = "Form version id")),
    responses((status = 200, body = FormDefinitionOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn form_version(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let v = census::version(&mut conn, id).await?;
    let form = definition(&v)?;
    let definition = serde_json::to_value(&form).map_err(|e| WebError::Internal(e.into()))?;
    Ok(json(FormDefinitionOut { version: version_out(&v), form_id: v.form_key.clone(), definition }))
}

/// How far a campaign got in one region.
#[derive(Serialize, ToSchema)]
pub struct RegionProgressOut {
    /// ISTAT region code.
    code: String,
    name: String,
    invited: i64,
    opened: i64,
    started: i64,
    submitted: i64,
    /// Submitted over invited, per cent, one decimal.
    rate: f64,
}

/// How far a campaign got: Comuni invited, that opened their link, started and submitted.
#[derive(Serialize, ToSchema)]
pub struct CampaignSummaryOut {
    id: i64,
    name: String,
    status: String,
    opens_on: String,
    deadline: String,
    form_version_id: i64,
    invited: i64,
    opened: i64,
    started: i64,
    submitted: i64,
    rate: f64,
    by_region: Vec<RegionProgressOut>,
}

#[utoipa::path(get, path = "/api/v1/census/campaigns/{id}/summary", tag = "census",
    params(("id" = i64, Path, description = "Campaign id")),
    responses((status = 200, body = CampaignSummaryOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn campaign_summary(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let (total, by) = census::progress_by_region(&mut conn, id).await?;
    drop(conn);
    let territory = state.territory();
    Ok(json(CampaignSummaryOut {
        id: c.id,
        name: c.name,
        status: c.status,
        opens_on: c.opens_on,
        deadline: c.deadline,
        form_version_id: c.form_version_id,
        rate: total.rate(),
        invited: total.invited,
        opened: total.opened,
        started: total.started,
        submitted: total.submitted,
        by_region: by
            .into_iter()
            .map(|(code, p)| RegionProgressOut {
                name: territory.region(&code).map_or_else(|| code.clone(), |r| r.name.clone()),
                rate: p.rate(),
                invited: p.invited,
                opened: p.opened,
                started: p.started,
                submitted: p.submitted,
                code,
            })
            .collect(),
    }))
}

/// A campaign as listed.
#[derive(Serialize, ToSchema)]
pub struct CampaignOut {
    id: i64,
    name: String,
    /// draft | open | closed
    status: String,
    opens_on: String,
    deadline: String,
    form_version_id: i64,
    reminders: i64,
    reminder_days: i64,
    accept_late: bool,
    /// How the universe of Comuni was chosen (kind: all, regions, provinces, list; codes; population).
    #[schema(value_type = Object)]
    universe: serde_json::Value,
}

#[utoipa::path(get, path = "/api/v1/census/campaigns", tag = "census",
    responses((status = 200, body = Vec<CampaignOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn campaigns(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let list = census::campaigns(&mut conn).await?;
    drop(conn);
    Ok(json(
        list.into_iter()
            .map(|c| CampaignOut {
                universe: serde_json::from_str(&c.universe).unwrap_or(serde_json::Value::Null),
                id: c.id,
                name: c.name,
                status: c.status,
                opens_on: c.opens_on,
                deadline: c.deadline,
                form_version_id: c.form_version_id,
                reminders: c.reminders,
                reminder_days: c.reminder_days,
                accept_late: c.accept_late != 0,
            })
            .collect::<Vec<_>>(),
    ))
}

/// Query of the responses endpoint.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ResponsesQuery {
    /// The ISTAT code of the last Comune of the previous page (`next_after` of that page);
    /// empty for the first page.
    after: String,
    /// Responses per page, 1 to 500 (default 100).
    limit: Option<i64>,
    /// `labels` for choice labels in `lang` (or the form's default language), codes otherwise.
    values: String,
    /// Form language code for labels, e.g. `it` or `en`.
    lang: String,
    /// `clean` for the answers with the secretariat's corrections applied; raw otherwise.
    data: String,
}

/// One page of a campaign's submitted responses, by ISTAT code of the Comune.
#[derive(Serialize, ToSchema)]
pub struct ResponsesPageOut {
    campaign_id: i64,
    responses: Vec<super::export::JsonResponse>,
    /// Pass as `after` for the next page; absent on the last page.
    next_after: Option<String>,
}

/// The most responses one page may hold.
const MAX_PAGE: i64 = 500;

#[utoipa::path(get, path = "/api/v1/census/campaigns/{id}/responses", tag = "census",
    params(("id" = i64, Path, description = "Campaign id"), ResponsesQuery),
    responses((status = 200, body = ResponsesPageOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn campaign_responses(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ResponsesQuery>,
) -> WebResult<Response> {
    use argine_domain::census::export::{Labeller, Values};
    // The answers name the Comune's referents and their contacts: the secretariat only.
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensusResponses, &Resource::Census).await?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_PAGE).contains(&limit) {
        tracing::info!(limit, "census responses API: page size out of range");
        return Err(WebError::BadRequest("api-page-limit"));
    }
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let versions = census::versions(&mut conn, v.form_id).await?.into_iter().map(|v| (v.id, v.version)).collect();
    let page = if q.data == "clean" {
        census::clean_page(&mut conn, id, &q.after, limit).await?
    } else {
        census::submitted_page(&mut conn, id, &q.after, limit).await?
    };
    drop(conn);
    let form = definition(&v)?;
    let lang = form.language_for(if q.lang.is_empty() { "it" } else { &q.lang });
    let values = if q.values == "labels" { Values::Labels(&lang) } else { Values::Codes };
    let labeller = Labeller::new(&form);
    let responses = page
        .iter()
        .map(|r| super::export::JsonResponse::new(r, &labeller, values, &versions))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| WebError::Internal(anyhow::anyhow!("census responses API: {e}")))?;
    let next_after = (usize::try_from(limit).is_ok_and(|l| page.len() == l))
        .then(|| page.last().map(|r| r.comune_code.clone()))
        .flatten();
    crate::auth::audit_personal_read(
        &state,
        &ctx,
        (user.user.id, &user.user.email),
        ("census_responses", id.to_string()),
        serde_json::json!({"responses": responses.len(), "after": q.after, "via": "api", "clean": q.data == "clean"}),
    )
    .await?;
    Ok(json(ResponsesPageOut { campaign_id: id, responses, next_after }))
}
