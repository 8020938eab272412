//! Indicators of case work without personal data: contacts, cases by stage, outcome, sex, age
//! band and nationality, referrals by receiving organisation and status, days from referral to
//! acceptance, closures by reason — for a period and a territory (region or province of the
//! case's Comune). Counts are grouped in the database ([`argine_storage::cases_stats`]) and
//! every count of people from 1 to 9 is withheld (the open-data rule,
//! [`argine_domain::report::opendata::MIN_PEOPLE`]), with complementary suppression
//! ([`argine_domain::stats::disclosure::protect`]) so that no withheld cell can be recomputed
//! from the total.

use crate::AppState;
use crate::api::{Problem, json};
use crate::auth::{ApiUser, CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Actor, Resource};
use argine_domain::cases::{AgeBand, CloseReason, Outcome, ReferralStatus, Sex, Stage};
use argine_domain::report::opendata::MIN_PEOPLE;
use argine_domain::stats::describe::CountTable;
use argine_domain::stats::disclosure::{Cell, SdcRules, protect};
use argine_storage::cases_stats::{self as stats, Scope};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Nationalities shown one by one; the others are counted together as `other`.
pub const TOP_NATIONALITIES: usize = 10;

/// A count, or `null` when withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CountOut {
    pub code: String,
    pub count: Option<u64>,
}

/// A two-way table with its margins: `cells` is `(rows + 1) × (cols + 1)`, the last row the
/// column totals, the last column the row totals; `null` where withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TableOut {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<Option<u64>>>,
}

/// Days from referral to acceptance; `null` when fewer than the threshold were accepted.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DaysOut {
    pub accepted: Option<u64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorsOut {
    /// YYYY-MM-DD, included; absent: since the beginning / until today.
    pub from: Option<String>,
    pub to: Option<String>,
    /// `regione:03`, `provincia:020` or absent (Italy).
    pub territory: Option<String>,
    /// Counts from 1 to `threshold - 1` are withheld.
    pub threshold: u64,
    /// People recorded (each a contact, whether or not it became a case).
    pub contacts: Option<u64>,
    /// Anonymous contacts counted by the outreach sessions held in the period.
    pub outreach_contacts: Option<u64>,
    pub cases: Option<u64>,
    pub by_stage: Vec<CountOut>,
    pub by_outcome: Vec<CountOut>,
    pub by_sex: Vec<CountOut>,
    pub by_age_band: Vec<CountOut>,
    pub by_nationality: Vec<CountOut>,
    pub closures_by_reason: Vec<CountOut>,
    /// Rows: receiving organisations (ids); columns: referral status codes.
    pub referrals: TableOut,
    pub days_to_acceptance: DaysOut,
}

/// Withholds a one-way table: categories in order, with the total; returns the published
/// counts and the total (`None` where withheld).
pub fn protect_counts(counts: &[(String, u64)], min: u64) -> (Vec<CountOut>, Option<u64>) {
    if counts.is_empty() {
        return (Vec::new(), Some(0));
    }
    let rows = counts.iter().map(|(c, _)| c.clone()).collect();
    let cells = counts.iter().map(|(_, n)| vec![*n]).collect();
    let value = |c: &Cell| match c {
        Cell::Value(v) => Some(*v),
        Cell::Suppressed(_) => None,
    };
    let Ok(t) = CountTable::new(rows, vec!["n".into()], cells) else { return (Vec::new(), None) };
    let Ok(p) = protect(&t, &SdcRules { min_count: min }) else { return (Vec::new(), None) };
    let out =
        counts.iter().zip(&p.cells).map(|((c, _), r)| CountOut { code: c.clone(), count: value(&r[0]) }).collect();
    (out, value(&p.cells[counts.len()][0]))
}

/// A single count under the threshold rule.
pub fn protect_one(n: u64, min: u64) -> Option<u64> {
    (n == 0 || n >= min).then_some(n)
}

/// Withholds a two-way table with its margins.
pub fn protect_table(rows: Vec<String>, cols: Vec<String>, cells: Vec<Vec<u64>>, min: u64) -> TableOut {
    let empty = || TableOut { rows: Vec::new(), cols: Vec::new(), cells: Vec::new() };
    if rows.is_empty() || cols.is_empty() {
        return empty();
    }
    let Ok(t) = CountTable::new(rows.clone(), cols.clone(), cells) else { return empty() };
    let Ok(p) = protect(&t, &SdcRules { min_count: min }) else { return empty() };
    let cells = p
        .cells
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Cell::Value(v) => Some(*v),
                    Cell::Suppressed(_) => None,
                })
                .collect()
        })
        .collect();
    TableOut { rows, cols, cells }
}

/// The nearest-rank quantile of sorted values.
fn quantile(sorted: &[i64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some((sorted[rank - 1] as f64 / 86_400.0 * 10.0).round() / 10.0)
}

/// Counts in the order of `codes`, then any unknown code found in the data.
fn ordered(sums: BTreeMap<String, u64>, codes: &[&str]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> =
        codes.iter().map(|c| ((*c).to_owned(), sums.get(*c).copied().unwrap_or(0))).collect();
    for (k, v) in sums {
        if !codes.contains(&k.as_str()) {
            out.push((k, v));
        }
    }
    out
}

fn sum_by(rows: &stats::Counts, key: usize) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for (k, n) in rows {
        let code = if k[key].is_empty() { "unknown".to_owned() } else { k[key].clone() };
        *m.entry(code).or_insert(0) += u64::try_from(*n).unwrap_or(0);
    }
    m
}

/// The period and the territory, as asked.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorsQuery {
    /// First day, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (included).
    pub to: Option<String>,
    /// Region code (`03`).
    pub region: Option<String>,
    /// Province code (`020`); wins over the region.
    pub province: Option<String>,
}

fn day_start(s: &str) -> Option<i64> {
    let d = argine_domain::cases::identity::parse_date(s)?;
    Some(d.midnight().assume_utc().unix_timestamp())
}

fn scope_of(state: &AppState, q: &IndicatorsQuery) -> WebResult<(Scope, Option<String>)> {
    let nonempty = |o: &Option<String>| o.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let from = match nonempty(&q.from) {
        Some(s) => Some(day_start(&s).ok_or(WebError::BadRequest("indicators-date-invalid"))?),
        None => None,
    };
    let to = match nonempty(&q.to) {
        Some(s) => Some(day_start(&s).ok_or(WebError::BadRequest("indicators-date-invalid"))? + 86_400),
        None => None,
    };
    let t = state.territory();
    let (provinces, territory) = match (nonempty(&q.province), nonempty(&q.region)) {
        (Some(p), _) => {
            let p = t.province(&p).ok_or(WebError::BadRequest("indicators-territory-invalid"))?;
            (Some(vec![p.code.clone()]), Some(format!("provincia:{}", p.code)))
        }
        (None, Some(r)) => {
            let r = t.region(&r).ok_or(WebError::BadRequest("indicators-territory-invalid"))?;
            (
                Some(t.provinces_of(&r.code).iter().map(|p| p.code.clone()).collect()),
                Some(format!("regione:{}", r.code)),
            )
        }
        (None, None) => (None, None),
    };
    Ok((Scope { from, to, provinces }, territory))
}

/// Indicators computed, by scope and threshold, each with the version of the case-work data it
/// was computed at ([`stats::version`]): a dashboard read again before any write is answered from
/// memory; any write, in any process, moves the version and the next read computes again.
#[derive(Debug, Default)]
pub struct IndicatorCache(std::sync::Mutex<HashMap<CacheKey, (i64, Arc<IndicatorsOut>)>>);

/// (from, to, provinces, threshold).
type CacheKey = (Option<i64>, Option<i64>, Option<Vec<String>>, u64);

/// Scopes kept at once; beyond, the entries of older versions go first, then all.
const CACHE_ENTRIES: usize = 64;

/// The indicators of `scope`: from the cache while the data are unchanged, else computed.
pub async fn compute(state: &AppState, scope: &Scope, min: u64) -> WebResult<IndicatorsOut> {
    let mut conn = state.db.pool().acquire().await?;
    // Read before the counts: a write committed in between makes the entry stale at once,
    // never a stale entry look fresh.
    let version = stats::version(&mut conn).await?;
    let key: CacheKey = (scope.from, scope.to, scope.provinces.clone(), min);
    if let Ok(cache) = state.indicators.0.lock()
        && let Some((v, out)) = cache.get(&key)
        && *v == version
    {
        return Ok(IndicatorsOut::clone(out));
    }
    let out = compute_on(&mut conn, scope, min).await?;
    drop(conn);
    if let Ok(mut cache) = state.indicators.0.lock() {
        if cache.len() >= CACHE_ENTRIES {
            cache.retain(|_, (v, _)| *v == version);
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
        }
        cache.insert(key, (version, Arc::new(out.clone())));
    }
    Ok(out)
}

/// Computes the indicators of `scope` (the queries and the withholding).
async fn compute_on(conn: &mut sqlx::AnyConnection, scope: &Scope, min: u64) -> WebResult<IndicatorsOut> {
    let contacts = stats::contacts(&mut *conn, scope).await?;
    let stage_outcome = stats::cases_by_stage_outcome(&mut *conn, scope).await?;
    let person = stats::cases_by_person(&mut *conn, scope).await?;
    let closures = stats::closures(&mut *conn, scope).await?;
    let referrals = stats::referrals(&mut *conn, scope).await?;
    let seconds = stats::seconds_to_acceptance(&mut *conn, scope).await?;
    let outreach = stats::outreach_contacts(&mut *conn, scope).await?;
    let (by_stage, cases) = protect_counts(
        &ordered(sum_by(&stage_outcome, 0), &Stage::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()),
        min,
    );
    let (by_outcome, _) = protect_counts(
        &ordered(sum_by(&stage_outcome, 1), &Outcome::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()),
        min,
    );
    let (by_sex, _) =
        protect_counts(&ordered(sum_by(&person, 0), &Sex::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()), min);
    let (by_age_band, _) =
        protect_counts(&ordered(sum_by(&person, 1), &AgeBand::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()), min);
    let mut nat: Vec<(String, u64)> = sum_by(&person, 2).into_iter().collect();
    nat.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let other: u64 = nat.iter().skip(TOP_NATIONALITIES).map(|(_, n)| n).sum();
    nat.truncate(TOP_NATIONALITIES);
    if other > 0 {
        nat.push(("other".into(), other));
    }
    let (by_nationality, _) = protect_counts(&nat, min);
    let (closures_by_reason, _) = protect_counts(
        &ordered(sum_by(&closures, 0), &CloseReason::ALL.iter().map(|s| s.code()).collect::<Vec<_>>()),
        min,
    );
    let cols: Vec<String> = ReferralStatus::ALL.iter().map(|s| s.code().to_owned()).collect();
    let mut by_org: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    for (k, n) in &referrals {
        let org = k[0].parse::<i64>().unwrap_or(0);
        let row = by_org.entry(org).or_insert_with(|| vec![0; cols.len()]);
        if let Some(c) = cols.iter().position(|c| *c == k[1]) {
            row[c] += u64::try_from(*n).unwrap_or(0);
        }
    }
    let referrals =
        protect_table(by_org.keys().map(i64::to_string).collect(), cols, by_org.into_values().collect(), min);
    let accepted = seconds.len() as u64;
    let days_to_acceptance = if accepted >= min {
        DaysOut { accepted: Some(accepted), median: quantile(&seconds, 0.5), p90: quantile(&seconds, 0.9) }
    } else {
        DaysOut { accepted: protect_one(accepted, min), median: None, p90: None }
    };
    Ok(IndicatorsOut {
        from: None,
        to: None,
        territory: None,
        threshold: min,
        contacts: protect_one(u64::try_from(contacts).unwrap_or(0), min),
        outreach_contacts: protect_one(u64::try_from(outreach).unwrap_or(0), min),
        cases,
        by_stage,
        by_outcome,
        by_sex,
        by_age_band,
        by_nationality,
        closures_by_reason,
        referrals,
        days_to_acceptance,
    })
}

async fn indicators_for(state: &AppState, q: &IndicatorsQuery) -> WebResult<IndicatorsOut> {
    let (scope, territory) = scope_of(state, q)?;
    let mut out = compute(state, &scope, MIN_PEOPLE).await?;
    out.from = q.from.clone().filter(|s| !s.trim().is_empty());
    out.to = q.to.clone().filter(|s| !s.trim().is_empty());
    out.territory = territory;
    Ok(out)
}

async fn allowed(state: &AppState, ctx: &RequestCtx, actor: &Actor, label: &str) -> WebResult<()> {
    check(state, ctx, actor, label, Action::ViewCaseIndicators, &Resource::Cases).await
}

#[utoipa::path(get, path = "/api/v1/cases/indicators", tag = "cases", params(IndicatorsQuery),
    responses((status = 200, body = IndicatorsOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn api(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Query(q): Query<IndicatorsQuery>,
) -> WebResult<Response> {
    allowed(&state, &ctx, &user.actor, &user.user.email).await?;
    Ok(json(indicators_for(&state, &q).await?))
}

// --- The page ---

struct Row {
    label: String,
    value: String,
}

struct Section {
    id: &'static str,
    title: String,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "cases/indicators.html")]
struct IndicatorsPage {
    chrome: Chrome,
    q_from: String,
    q_to: String,
    q_province: String,
    /// (code, name, ` selected` or nothing).
    regions: Vec<(String, String, &'static str)>,
    threshold: u64,
    summary: Vec<Row>,
    sections: Vec<Section>,
    ref_cols: Vec<String>,
    ref_rows: Vec<(String, Vec<String>)>,
}

fn shown(tr: &Tr, v: Option<u64>) -> String {
    v.map_or_else(|| tr.t("indicators-withheld"), |n| n.to_string())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<IndicatorsQuery>,
) -> WebResult<Response> {
    allowed(&state, &ctx, &user.actor, user.label()).await?;
    let tr = Tr::new(ctx.lang);
    let out = indicators_for(&state, &q).await?;
    let label = |prefix: &str, code: &str| {
        let key = match prefix {
            "case-stage" => Stage::from_code(code).map(Stage::label_key),
            "case-outcome" => Outcome::from_code(code).map(Outcome::label_key),
            "sex" => Sex::from_code(code).map(Sex::label_key),
            "ageband" => AgeBand::from_code(code).map(AgeBand::label_key),
            "case-close" => CloseReason::from_code(code).map(CloseReason::label_key),
            _ => None,
        };
        match key {
            Some(k) => tr.t(&k),
            None if code == "other" => tr.t("indicators-nationality-other"),
            None if code == "unknown" => tr.t("indicators-unknown"),
            None => code.to_owned(),
        }
    };
    let section = |id: &'static str, title: &str, prefix: &str, counts: &[CountOut]| Section {
        id,
        title: tr.t(title),
        rows: counts.iter().map(|c| Row { label: label(prefix, &c.code), value: shown(&tr, c.count) }).collect(),
    };
    let sections = vec![
        section("stage", "indicators-by-stage", "case-stage", &out.by_stage),
        section("outcome", "indicators-by-outcome", "case-outcome", &out.by_outcome),
        section("sex", "indicators-by-sex", "sex", &out.by_sex),
        section("age", "indicators-by-age", "ageband", &out.by_age_band),
        section("nationality", "indicators-by-nationality", "nationality", &out.by_nationality),
        section("closures", "indicators-closures", "case-close", &out.closures_by_reason),
    ];
    let d = &out.days_to_acceptance;
    let days = |v: Option<f64>| v.map_or_else(|| tr.t("indicators-withheld"), |x| format!("{x:.1}"));
    let summary = vec![
        Row { label: tr.t("indicators-contacts"), value: shown(&tr, out.contacts) },
        Row { label: tr.t("indicators-outreach-contacts"), value: shown(&tr, out.outreach_contacts) },
        Row { label: tr.t("indicators-cases"), value: shown(&tr, out.cases) },
        Row { label: tr.t("indicators-accepted"), value: shown(&tr, d.accepted) },
        Row { label: tr.t("indicators-days-median"), value: days(d.median) },
        Row { label: tr.t("indicators-days-p90"), value: days(d.p90) },
    ];
    let mut ref_rows = Vec::new();
    let n = out.referrals.rows.len();
    for (i, cells) in out.referrals.cells.iter().enumerate() {
        let name = if i == n {
            tr.t("indicators-total")
        } else {
            let id = out.referrals.rows[i].parse::<i64>().unwrap_or(0);
            state.organisation(id).await.map(|o| o.name).unwrap_or_else(|_| out.referrals.rows[i].clone())
        };
        ref_rows.push((name, cells.iter().map(|c| shown(&tr, *c)).collect()));
    }
    let mut ref_cols: Vec<String> = out
        .referrals
        .cols
        .iter()
        .map(|c| ReferralStatus::from_code(c).map_or_else(|| c.clone(), |s| tr.t(&s.label_key())))
        .collect();
    ref_cols.push(tr.t("indicators-total"));
    let t = state.territory();
    let q_region = q.region.clone().unwrap_or_default();
    let regions = t
        .regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone(), if r.code == q_region { " selected" } else { "" }))
        .collect();
    render(IndicatorsPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        q_from: q.from.unwrap_or_default(),
        q_to: q.to.unwrap_or_default(),
        q_province: q.province.unwrap_or_default(),
        regions,
        threshold: out.threshold,
        summary,
        sections,
        ref_cols,
        ref_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str, n: u64) -> (String, u64) {
        (code.into(), n)
    }

    #[test]
    fn small_counts_are_withheld_and_cannot_be_recomputed_from_the_total() {
        let (out, total) = protect_counts(&[c("a", 40), c("b", 3), c("c", 25), c("d", 0)], 10);
        // b is primary; alone it would be total − a − c, so the smallest other non-zero (c) goes too.
        assert_eq!(out[0].count, Some(40));
        assert_eq!(out[1].count, None);
        assert_eq!(out[2].count, None);
        assert_eq!(out[3].count, Some(0));
        assert_eq!(total, Some(68));
        let (out, total) = protect_counts(&[c("a", 40), c("b", 12)], 10);
        assert_eq!((out[0].count, out[1].count, total), (Some(40), Some(12), Some(52)));
        assert_eq!(protect_one(9, 10), None);
        assert_eq!(protect_one(0, 10), Some(0));
        assert_eq!(protect_one(10, 10), Some(10));
    }

    #[test]
    fn quantiles_are_in_days() {
        let s: Vec<i64> = (1..=10).map(|d| d * 86_400).collect();
        assert_eq!(quantile(&s, 0.5), Some(5.0));
        assert_eq!(quantile(&s, 0.9), Some(9.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
