//! `/api/v1/territories/indicators`, `/api/v1/territories/scores` and `/api/v1/allocations`:
//! the same computations as the pages, as JSON. Reading needs `ViewCensus` on the census;
//! a split reads nothing stored, but asks the same.

use super::{MAX_SHORTLIST, Scenario, ScoreParams, allocation_error_args, campaign_or_latest, campaigns, load};
use crate::AppState;
use crate::api::{Problem, json};
use crate::auth::{ApiUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use argine_domain::access::{Action, Resource};
use argine_domain::allocation::{Formula, Recipient, allocate};
use argine_domain::priority::{
    INDICATORS, Indicator, Level, Normalisation, PriorityError, Territory, Weights, rank, shortlist,
};
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
    if let Some((id, indicator)) = params.errors.first() {
        let args = indicator.map(|i| indicator_arg(&ctx, i)).unwrap_or_default();
        return Err(WebError::Invalid(id, args));
    }
    let weights = params.weights.ok_or(WebError::BadRequest("priority-weights-zero"))?;
    let t = load(&state, campaign, level).await?;
    let r = rank(&t, &weights, params.normalisation).map_err(|e| {
        let args = match e {
            PriorityError::NegativeWeight(i) | PriorityError::InvalidWeight(i) => indicator_arg(&ctx, i),
            PriorityError::AllZero | PriorityError::NoTerritories => Vec::new(),
        };
        WebError::Invalid(e.code(), args)
    })?;
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

/// A split: whole euro; the shares sum to `fund` exactly. The Comuni are either listed
/// (`recipients`) or chosen by a rule over a census campaign (`selection`), not both.
#[derive(Deserialize, ToSchema)]
pub struct AllocationIn {
    #[schema(example = 200000000)]
    fund: i64,
    #[schema(example = 1000000)]
    fixed: i64,
    #[serde(default)]
    recipients: Vec<RecipientIn>,
    #[serde(default)]
    selection: Option<SelectionIn>,
}

/// The Comuni of a census campaign chosen by a rule, each with its indicator and correction
/// factors read from the campaign's clean answers, as on the page `/territori/ripartizione`.
#[derive(Deserialize, ToSchema)]
pub struct SelectionIn {
    /// Census campaign id.
    campaign: i64,
    /// `top`: the first `n` Comuni by score; `settlements`: every Comune with at least `min`
    /// informal settlements.
    #[schema(example = "top")]
    rule: String,
    /// For `top`: how many, 1 to 100.
    #[schema(example = 10)]
    n: Option<usize>,
    /// For `top`: weights by indicator code (as `w.<indicator>` of `/territories/scores`); the
    /// defaults when empty, 0 for those left out otherwise.
    #[serde(default)]
    weights: BTreeMap<String, f64>,
    /// For `top`: `minmax` (default) or `rank`.
    #[serde(default)]
    norm: String,
    /// For `settlements`: the fewest informal settlements (1 when absent).
    min: Option<f64>,
    /// The indicator the variable share follows: `presenze` (default) or another code.
    #[serde(default)]
    indicator: String,
    /// The correction factors; the decree's shape (1.2, 1.5, 1.1) when absent.
    factors: Option<FactorsIn>,
}

/// Correction factors of a selection: for Comuni whose oldest settlement is at least 7 years
/// old (`age7`), over 20 (`age21`), with housing initiatives already started (`initiatives`).
#[derive(Deserialize, ToSchema)]
pub struct FactorsIn {
    age7: f64,
    age21: f64,
    initiatives: f64,
}

fn indicator_arg(ctx: &RequestCtx, i: Indicator) -> Vec<(&'static str, String)> {
    vec![("indicator", Tr::new(ctx.lang).t(&format!("priority-ind-{}", i.code())))]
}

/// The recipients a selection describes.
async fn select(
    state: &AppState,
    ctx: &RequestCtx,
    sel: &SelectionIn,
    fund: i64,
    fixed: i64,
) -> WebResult<Vec<Recipient>> {
    let all = campaigns(state).await?;
    let campaign = campaign_or_latest(&all, Some(sel.campaign))?.ok_or(WebError::NotFound)?;
    let indicator = match sel.indicator.as_str() {
        "" => Indicator::Presenze,
        code => Indicator::parse(code)
            .ok_or_else(|| WebError::Invalid("allocation-selection-indicator", vec![("code", code.to_owned())]))?,
    };
    let decree = Scenario::decree();
    let (age_7, age_21, initiatives) = sel
        .factors
        .as_ref()
        .map_or((decree.age_7, decree.age_21, decree.initiatives), |f| (f.age7, f.age21, f.initiatives));
    if ![age_7, age_21, initiatives].iter().all(|x| x.is_finite() && *x >= 0.0) {
        return Err(WebError::BadRequest("allocation-factor-invalid"));
    }
    let territories = load(state, campaign.id, Level::Comune).await?;
    let codes: Vec<String> = match sel.rule.as_str() {
        "top" => {
            let n = sel
                .n
                .filter(|n| (1..=MAX_SHORTLIST).contains(n))
                .ok_or(WebError::BadRequest("priority-top-invalid"))?;
            let weights = if sel.weights.is_empty() {
                Weights::default_weights()
            } else {
                let mut w = [0.0; INDICATORS];
                for (code, value) in &sel.weights {
                    let i = Indicator::parse(code).ok_or_else(|| {
                        WebError::Invalid("allocation-selection-indicator", vec![("code", code.clone())])
                    })?;
                    w[i.index()] = *value;
                }
                Weights::new(w).map_err(|e| match e {
                    PriorityError::NegativeWeight(i) | PriorityError::InvalidWeight(i) => {
                        WebError::Invalid(e.code(), indicator_arg(ctx, i))
                    }
                    PriorityError::AllZero | PriorityError::NoTerritories => WebError::BadRequest(e.code()),
                })?
            };
            let norm = match sel.norm.as_str() {
                "" => Normalisation::default(),
                code => Normalisation::parse(code).ok_or(WebError::BadRequest("allocation-selection-norm"))?,
            };
            let r = rank(&territories, &weights, norm).map_err(|e| WebError::BadRequest(e.code()))?;
            r.rows.iter().take(n).map(|row| territories[row.index].code.clone()).collect()
        }
        "settlements" => {
            let min = sel.min.unwrap_or(1.0);
            if !(min.is_finite() && min >= 0.0) {
                return Err(WebError::BadRequest("allocation-selection-min"));
            }
            territories.iter().filter(|t| t.value(Indicator::Insediamenti) >= min).map(|t| t.code.clone()).collect()
        }
        _ => return Err(WebError::BadRequest("allocation-selection-rule")),
    };
    let scenario = Scenario { fund, fixed, indicator, age_7, age_21, initiatives };
    Ok(scenario.recipients(&territories, &codes).0)
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
    let recipients: Vec<Recipient> = match &input.selection {
        Some(_) if !input.recipients.is_empty() => return Err(WebError::BadRequest("allocation-selection-both")),
        Some(sel) => select(&state, &ctx, sel, input.fund, input.fixed).await?,
        None => input
            .recipients
            .into_iter()
            .map(|r| Recipient {
                name: if r.name.is_empty() { r.code.clone() } else { r.name },
                code: r.code,
                indicator: r.indicator,
                factors: r.factors,
            })
            .collect(),
    };
    let a = allocate(Formula { fund: input.fund, fixed: input.fixed }, &recipients)
        .map_err(|e| WebError::Invalid(e.code(), allocation_error_args(&e)))?;
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
