//! `/api/v1/territories/indicators`, `/api/v1/territories/scores` and `/api/v1/allocations`:
//! the same computations as the pages, as JSON. Reading needs `ViewCensus` on the census;
//! a split reads nothing stored, but asks the same.

use super::{ScoreParams, campaign_or_latest, campaigns, load};
use crate::AppState;
use crate::api::{Problem, json};
use crate::auth::{ApiUser, check};
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use argine_domain::access::{Action, Resource};
use argine_domain::allocation::{Formula, Recipient, allocate};
use argine_domain::priority::{Indicator, Level, Territory, rank, shortlist};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One territory's indicators.
#[derive(Serialize, ToSchema)]
pub struct TerritoryOut {
    /// ISTAT code of the Comune, UTS code of the province, or region code.
    code: String,
    name: String,
    region: String,
    invited: u32,
    respondents: u32,
    /// By indicator code: `presenze`, `insediamenti`, `persone`, `persistenza`,
    /// `servizi_mancanti` (0–1), `iniziative`.
    indicators: BTreeMap<String, f64>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorsOut {
    campaign: i64,
    #[schema(example = "comune")]
    level: String,
    territories: Vec<TerritoryOut>,
}

fn indicator_map(values: impl Fn(Indicator) -> f64) -> BTreeMap<String, f64> {
    Indicator::ALL.iter().map(|i| (i.code().to_owned(), values(*i))).collect()
}

fn territory_out(t: &Territory) -> TerritoryOut {
    TerritoryOut {
        code: t.code.clone(),
        name: t.name.clone(),
        region: t.region.clone(),
        invited: t.invited,
        respondents: t.respondents,
        indicators: indicator_map(|i| t.value(i)),
    }
}

async fn campaign_and_level(state: &AppState, p: &[(String, String)]) -> WebResult<(i64, Level)> {
    let id: i64 = field(p, "campaign").parse().map_err(|_| WebError::BadRequest("priority-campaign-required"))?;
    let level = match field(p, "level").as_str() {
        "" => Level::Comune,
        l => Level::parse(l).ok_or(WebError::BadRequest("priority-level-invalid"))?,
    };
    let all = campaigns(state).await?;
    let c = campaign_or_latest(&all, Some(id))?.ok_or(WebError::NotFound)?;
    Ok((c.id, level))
}

#[utoipa::path(get, path = "/api/v1/territories/indicators", tag = "territories",
    params(("campaign" = i64, Query, description = "Census campaign id"),
           ("level" = Option<String>, Query, description = "`comune` (default), `provincia` or `regione`")),
    responses((status = 200, body = IndicatorsOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn indicators(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let p = pairs(q.unwrap_or_default().as_bytes());
    let (campaign, level) = campaign_and_level(&state, &p).await?;
    let t = load(&state, campaign, level).await?;
    Ok(json(IndicatorsOut { campaign, level: level.code().into(), territories: t.iter().map(territory_out).collect() }))
}

#[derive(Serialize, ToSchema)]
pub struct SensitivityOut {
    /// Best and worst rank when one weight at a time moves by ±20%.
    best: usize,
    worst: usize,
    max_up: usize,
    max_down: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ScoreOut {
    rank: usize,
    code: String,
    name: String,
    /// From 0 to 1.
    score: f64,
    /// Each indicator's part of the score; they sum to it.
    contributions: BTreeMap<String, f64>,
    sensitivity: SensitivityOut,
    /// The indicators that contribute most, in Italian, with their values.
    reasons: String,
}

#[derive(Serialize, ToSchema)]
pub struct ScoresOut {
    campaign: i64,
    level: String,
    #[schema(example = "minmax")]
    normalisation: String,
    weights: BTreeMap<String, f64>,
    ranking: Vec<ScoreOut>,
}

#[utoipa::path(get, path = "/api/v1/territories/scores", tag = "territories",
    params(("campaign" = i64, Query, description = "Census campaign id"),
           ("level" = Option<String>, Query, description = "`comune` (default), `provincia` or `regione`"),
           ("norm" = Option<String>, Query, description = "`minmax` (default) or `rank`"),
           ("w.presenze" = Option<f64>, Query, description = "Weight of an indicator: `w.presenze`, `w.insediamenti`, `w.persone`, `w.persistenza`, `w.servizi_mancanti`, `w.iniziative`; non-negative; when none is given, the defaults; when some are, the others are 0")),
    responses((status = 200, body = ScoresOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn scores(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let p = pairs(q.unwrap_or_default().as_bytes());
    let (campaign, level) = campaign_and_level(&state, &p).await?;
    let params = ScoreParams::parse(&p);
    if let Some((id, _)) = params.errors.first() {
        return Err(WebError::BadRequest(id));
    }
    let weights = params.weights.ok_or(WebError::BadRequest("priority-weights-zero"))?;
    let t = load(&state, campaign, level).await?;
    let r = rank(&t, &weights, params.normalisation).map_err(|e| WebError::BadRequest(e.code()))?;
    let reasons = shortlist(&t, &r, t.len());
    Ok(json(ScoresOut {
        campaign,
        level: level.code().into(),
        normalisation: params.normalisation.code().into(),
        weights: indicator_map(|i| weights.get(i)),
        ranking: r
            .rows
            .iter()
            .zip(reasons)
            .map(|(row, s)| ScoreOut {
                rank: row.rank,
                code: s.code,
                name: s.name,
                score: row.score,
                contributions: indicator_map(|i| row.contributions[i.index()]),
                sensitivity: SensitivityOut {
                    best: row.sensitivity.best,
                    worst: row.sensitivity.worst,
                    max_up: row.sensitivity.max_up,
                    max_down: row.sensitivity.max_down,
                },
                reasons: s.reasons_it,
            })
            .collect(),
    }))
}

/// A Comune to split the fund among.
#[derive(Deserialize, ToSchema)]
pub struct RecipientIn {
    code: String,
    #[serde(default)]
    name: String,
    /// The indicator the variable share is proportional to (e.g. declared presences).
    indicator: f64,
    /// Multiplicative correction factors (1 = none); every recipient has as many.
    #[serde(default)]
    factors: Vec<f64>,
}

/// A split: whole euro; the shares sum to `fund` exactly.
#[derive(Deserialize, ToSchema)]
pub struct AllocationIn {
    #[schema(example = 200000000)]
    fund: i64,
    #[schema(example = 1000000)]
    fixed: i64,
    recipients: Vec<RecipientIn>,
}

#[derive(Serialize, ToSchema)]
pub struct ShareOut {
    code: String,
    name: String,
    indicator: f64,
    factor: f64,
    /// Its part of the variable pool before rounding (0–1).
    quota: f64,
    fixed: i64,
    variable: i64,
    total: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AllocationOut {
    fund: i64,
    fixed: i64,
    variable_pool: i64,
    total: i64,
    shares: Vec<ShareOut>,
}

#[utoipa::path(post, path = "/api/v1/allocations", tag = "territories",
    request_body = AllocationIn,
    responses((status = 200, body = AllocationOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn allocations(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    body: Bytes,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCensus, &Resource::Census).await?;
    let input: AllocationIn =
        serde_json::from_slice(&body).map_err(|_| WebError::BadRequest("allocation-body-invalid"))?;
    let recipients: Vec<Recipient> = input
        .recipients
        .into_iter()
        .map(|r| Recipient {
            name: if r.name.is_empty() { r.code.clone() } else { r.name },
            code: r.code,
            indicator: r.indicator,
            factors: r.factors,
        })
        .collect();
    let a = allocate(Formula { fund: input.fund, fixed: input.fixed }, &recipients)
        .map_err(|e| WebError::BadRequest(e.code()))?;
    Ok(json(AllocationOut {
        fund: a.formula.fund,
        fixed: a.formula.fixed,
        variable_pool: a.variable_pool,
        total: a.total(),
        shares: a
            .shares
            .into_iter()
            .map(|s| ShareOut {
                code: s.code,
                name: s.name,
                indicator: s.indicator,
                factor: s.factor,
                quota: s.quota,
                fixed: s.fixed,
                variable: s.variable,
                total: s.total,
            })
            .collect(),
    }))
}
