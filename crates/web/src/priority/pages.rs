//! `/territori/priorita` (the ranking with its contributions and sensitivity, the shortlist and
//! its export) and `/territori/ripartizione` (a fund split between two scenarios side by side,
//! exported as XLSX). Both are GET forms: nothing is written, and a link keeps the whole choice.

use super::{
    Scenario, ScoreParams, campaign_or_latest, campaigns, format_weight, load, parse_codes, parse_euro, parse_number,
};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::download::TableFormat;
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_domain::allocation::{Allocation, AllocationError, Formula, allocate, compare};
use argine_domain::priority::{Indicator, Level, Normalisation, Ranking, Territory, Weights, format_value, rank};
use argine_domain::report::fmt::{decimal, int};
use argine_storage::census;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Most rows of the ranking shown on the page (the count is always complete).
const MAX_ROWS: usize = 200;
/// Most Comuni a split takes (more than every Comune of Italy).
const MAX_RECIPIENTS: usize = 10_000;

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct WeightField {
    pub code: &'static str,
    pub label: String,
    pub value: String,
    pub invalid: bool,
}

pub struct RankRow {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub score: String,
    /// Per indicator: value and contribution (points of 100).
    pub cells: Vec<(String, String)>,
    pub sensitivity: String,
    pub stable: bool,
}

pub struct ShortRow {
    pub rank: usize,
    pub code: String,
    pub name: String,
    pub score: String,
    pub reasons: String,
}

#[derive(Template)]
#[template(path = "priority/ranking.html")]
struct RankingPage {
    chrome: Chrome,
    campaigns: Vec<Choice>,
    levels: Vec<Choice>,
    norms: Vec<Choice>,
    weights: Vec<WeightField>,
    top: String,
    errors: Vec<String>,
    notice: Option<String>,
    indicators: Vec<String>,
    rows: Vec<RankRow>,
    count_text: String,
    shortlist: Vec<ShortRow>,
    query: String,
    codes: String,
    is_comune: bool,
}

fn campaign_choices(all: &[census::Campaign], selected: i64) -> Vec<Choice> {
    all.iter().map(|c| Choice { value: c.id.to_string(), label: c.name.clone(), selected: c.id == selected }).collect()
}

fn score_text(x: f64) -> String {
    decimal(x * 100.0, 1)
}

/// The reasons of a shortlisted territory in the reader's language.
fn reasons(tr: &Tr, t: &Territory, r: &argine_domain::priority::Ranked) -> String {
    r.top_contributors(3)
        .iter()
        .map(|i| format!("{} ({})", tr.t(&format!("priority-ind-{}", i.code())), format_value(*i, t.value(*i))))
        .collect::<Vec<_>>()
        .join("; ")
}

fn sensitivity_text(tr: &Tr, r: &argine_domain::priority::Ranked) -> String {
    let s = r.sensitivity;
    if s.best == s.worst {
        tr.t("priority-sensitivity-stable")
    } else {
        tr.args(
            "priority-sensitivity-range",
            &[
                ("best", s.best.to_string()),
                ("worst", s.worst.to_string()),
                ("up", s.max_up.to_string()),
                ("down", s.max_down.to_string()),
            ],
        )
    }
}

struct Scored {
    campaign: Option<census::Campaign>,
    all: Vec<census::Campaign>,
    params: ScoreParams,
    territories: Vec<Territory>,
    ranking: Option<Ranking>,
    errors: Vec<String>,
    /// Nothing to compare (no campaign, or nobody answered): said, not an error.
    notice: Option<String>,
}

async fn score(state: &AppState, tr: &Tr, query: &str) -> WebResult<Scored> {
    let p = pairs(query.as_bytes());
    let params = ScoreParams::parse(&p);
    let all = campaigns(state).await?;
    let campaign = campaign_or_latest(&all, params.campaign)?;
    let mut errors: Vec<String> = params.errors.iter().map(|(id, i)| error_text(tr, id, *i)).collect();
    let mut territories = Vec::new();
    let mut ranking = None;
    let mut notice = None;
    if let Some(c) = &campaign {
        territories = load(state, c.id, params.level).await?;
        if territories.is_empty() {
            notice = Some(tr.t("priority-no-territories"));
        } else if let Some(w) = &params.weights {
            match rank(&territories, w, params.normalisation) {
                Ok(r) => ranking = Some(r),
                Err(e) => errors.push(tr.t(e.code())),
            }
        }
    } else {
        notice = Some(tr.t("priority-no-campaign"));
    }
    Ok(Scored { campaign, all, params, territories, ranking, errors, notice })
}

fn error_text(tr: &Tr, id: &str, i: Option<Indicator>) -> String {
    match i {
        Some(i) => tr.t1(id, "indicator", tr.t(&format!("priority-ind-{}", i.code()))),
        None => tr.t(id),
    }
}

pub async fn ranking(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let query = q.unwrap_or_default();
    let s = score(&state, &tr, &query).await?;
    let selected = s.campaign.as_ref().map_or(0, |c| c.id);
    let weights = s
        .params
        .weights_typed
        .iter()
        .zip(Indicator::ALL)
        .map(|(v, i)| WeightField {
            code: i.code(),
            label: tr.t(&format!("priority-ind-{}", i.code())),
            value: v.clone(),
            invalid: s.params.errors.iter().any(|(_, e)| *e == Some(i)),
        })
        .collect();
    let (rows, shortlist, total) = match &s.ranking {
        Some(r) => {
            let rows = r
                .rows
                .iter()
                .take(MAX_ROWS)
                .map(|row| {
                    let t = &s.territories[row.index];
                    RankRow {
                        rank: row.rank,
                        code: t.code.clone(),
                        name: t.name.clone(),
                        score: score_text(row.score),
                        cells: Indicator::ALL
                            .iter()
                            .map(|i| (format_value(*i, t.value(*i)), score_text(row.contributions[i.index()])))
                            .collect(),
                        sensitivity: sensitivity_text(&tr, row),
                        stable: row.sensitivity.best == row.sensitivity.worst,
                    }
                })
                .collect();
            let short = r
                .rows
                .iter()
                .take(s.params.top)
                .map(|row| {
                    let t = &s.territories[row.index];
                    ShortRow {
                        rank: row.rank,
                        code: t.code.clone(),
                        name: t.name.clone(),
                        score: score_text(row.score),
                        reasons: reasons(&tr, t, row),
                    }
                })
                .collect::<Vec<_>>();
            (rows, short, r.rows.len())
        }
        None => (Vec::new(), Vec::new(), 0),
    };
    let codes = shortlist.iter().map(|r| r.code.clone()).collect::<Vec<_>>().join(" ");
    let status = if s.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(RankingPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        campaigns: campaign_choices(&s.all, selected),
        levels: Level::ALL
            .iter()
            .map(|l| Choice {
                value: l.code().into(),
                label: tr.t(&format!("priority-level-{}", l.code())),
                selected: *l == s.params.level,
            })
            .collect(),
        norms: [Normalisation::MinMax, Normalisation::Rank]
            .iter()
            .map(|n| Choice {
                value: n.code().into(),
                label: tr.t(&format!("priority-norm-{}", n.code())),
                selected: *n == s.params.normalisation,
            })
            .collect(),
        weights,
        top: s.params.top_typed.clone(),
        errors: s.errors,
        notice: s.notice,
        indicators: Indicator::ALL.iter().map(|i| tr.t(&format!("priority-ind-{}", i.code()))).collect(),
        count_text: tr
            .args("priority-ranking-count", &[("shown", rows.len().to_string()), ("total", total.to_string())]),
        rows,
        shortlist,
        query: export_query(&s.params, selected),
        codes,
        is_comune: s.params.level == Level::Comune,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

/// The query string of the current choice, for the export links.
fn export_query(p: &ScoreParams, campaign: i64) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("campaign", &campaign.to_string());
    q.append_pair("level", p.level.code());
    q.append_pair("norm", p.normalisation.code());
    if let Some(w) = &p.weights {
        for i in Indicator::ALL {
            q.append_pair(&format!("w.{}", i.code()), &format_weight(w.get(i)));
        }
    }
    q.append_pair("n", &p.top.to_string());
    q.finish()
}

async fn shortlist_export(
    state: AppState,
    ctx: RequestCtx,
    user: CurrentUser,
    q: Option<String>,
    format: TableFormat,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let s = score(&state, &tr, &q.unwrap_or_default()).await?;
    let Some(r) = s.ranking else {
        let why = if s.errors.is_empty() { s.notice.unwrap_or_default() } else { s.errors.join("\n") };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, why).into_response());
    };
    let mut header =
        vec![tr.t("priority-rank"), tr.t("priority-code"), tr.t("priority-territory"), tr.t("priority-score")];
    for i in Indicator::ALL {
        header.push(tr.t(&format!("priority-ind-{}", i.code())));
    }
    for i in Indicator::ALL {
        header.push(tr.t1("priority-contribution-of", "indicator", tr.t(&format!("priority-ind-{}", i.code()))));
    }
    header.push(tr.t("priority-sensitivity"));
    header.push(tr.t("priority-reasons"));
    let mut rows = vec![header];
    for row in r.rows.iter().take(s.params.top) {
        let t = &s.territories[row.index];
        let mut cells =
            vec![row.rank.to_string(), t.code.clone(), argine_domain::sheet::safe_cell(&t.name), score_text(row.score)];
        cells.extend(Indicator::ALL.iter().map(|i| format_value(*i, t.value(*i))));
        cells.extend(row.contributions.iter().map(|c| score_text(*c)));
        cells.push(sensitivity_text(&tr, row));
        cells.push(reasons(&tr, t, row));
        rows.push(cells);
    }
    let stem = format!("priorita-{}-{}", s.campaign.map_or(0, |c| c.id), s.params.level.code());
    crate::download::table(format, &stem, &tr.t("priority-shortlist-sheet"), rows)
}

pub async fn ranking_csv(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    shortlist_export(state, ctx, user, q, TableFormat::Csv).await
}

pub async fn ranking_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    shortlist_export(state, ctx, user, q, TableFormat::Xlsx).await
}

// ---------------------------------------------------------------------------------------------
// Fund allocation

/// One scenario's fields as typed.
pub struct ScenarioForm {
    pub key: &'static str,
    pub title: String,
    pub fund: String,
    pub fixed: String,
    pub indicators: Vec<Choice>,
    pub age_7: String,
    pub age_21: String,
    pub initiatives: String,
}

pub struct AllocRow {
    pub code: String,
    pub name: String,
    pub a_indicator: String,
    pub a_factor: String,
    pub a_total: String,
    pub b_indicator: String,
    pub b_factor: String,
    pub b_total: String,
    pub difference: String,
}

#[derive(Template)]
#[template(path = "priority/allocation.html")]
struct AllocationPage {
    chrome: Chrome,
    campaigns: Vec<Choice>,
    comuni: String,
    default_comuni: bool,
    scenarios: Vec<ScenarioForm>,
    errors: Vec<String>,
    notice: Option<String>,
    rows: Vec<AllocRow>,
    totals: Vec<String>,
    query: String,
}

fn scenario_form(tr: &Tr, p: &[(String, String)], key: &'static str, d: &Scenario) -> ScenarioForm {
    let get = |k: &str| {
        let v = field(p, &format!("{key}.{k}"));
        if v.is_empty() && !p.iter().any(|(n, _)| n == &format!("{key}.{k}")) { None } else { Some(v) }
    };
    let indicator = get("indicator").and_then(|c| Indicator::parse(&c)).unwrap_or(d.indicator);
    ScenarioForm {
        key,
        title: tr.t(&format!("allocation-scenario-{key}")),
        fund: get("fund").unwrap_or_else(|| int(d.fund)),
        fixed: get("fixed").unwrap_or_else(|| int(d.fixed)),
        indicators: Indicator::ALL
            .iter()
            .map(|i| Choice {
                value: i.code().into(),
                label: tr.t(&format!("priority-ind-{}", i.code())),
                selected: *i == indicator,
            })
            .collect(),
        age_7: get("age7").unwrap_or_else(|| decimal(d.age_7, 2)),
        age_21: get("age21").unwrap_or_else(|| decimal(d.age_21, 2)),
        initiatives: get("init").unwrap_or_else(|| decimal(d.initiatives, 2)),
    }
}

/// The scenario a form describes, or the Fluent ids of what is wrong in it.
fn parse_scenario(f: &ScenarioForm) -> Result<Scenario, Vec<&'static str>> {
    let mut errors = Vec::new();
    let fund = parse_euro(&f.fund);
    let fixed = parse_euro(&f.fixed);
    if fund.is_none() {
        errors.push("allocation-fund-invalid");
    }
    if fixed.is_none() {
        errors.push("allocation-fixed-invalid");
    }
    let factor = |s: &str| parse_number(s).filter(|x| *x >= 0.0);
    let (a7, a21, init) = (factor(&f.age_7), factor(&f.age_21), factor(&f.initiatives));
    if a7.is_none() || a21.is_none() || init.is_none() {
        errors.push("allocation-factor-invalid");
    }
    let indicator = f.indicators.iter().find(|c| c.selected).and_then(|c| Indicator::parse(&c.value));
    match (fund, fixed, a7, a21, init, indicator) {
        (Some(fund), Some(fixed), Some(age_7), Some(age_21), Some(initiatives), Some(indicator))
            if errors.is_empty() =>
        {
            Ok(Scenario { fund, fixed, indicator, age_7, age_21, initiatives })
        }
        _ => Err(errors),
    }
}

/// An allocation error in the reader's language.
pub fn allocation_error(tr: &Tr, e: &AllocationError) -> String {
    tr.args(e.code(), &super::allocation_error_args(e))
}

struct Split {
    all: Vec<census::Campaign>,
    campaign: Option<census::Campaign>,
    comuni: String,
    default_comuni: bool,
    forms: Vec<ScenarioForm>,
    errors: Vec<String>,
    notice: Option<String>,
    result: Option<(Allocation, Allocation)>,
}

async fn split(state: &AppState, tr: &Tr, query: &str) -> WebResult<Split> {
    let p = pairs(query.as_bytes());
    let all = campaigns(state).await?;
    let campaign = campaign_or_latest(&all, field(&p, "campaign").parse().ok())?;
    let forms =
        vec![scenario_form(tr, &p, "a", &Scenario::decree()), scenario_form(tr, &p, "b", &Scenario::by_people())];
    let mut errors = Vec::new();
    let mut comuni = field(&p, "comuni");
    let mut default_comuni = false;
    let mut result = None;
    let Some(c) = &campaign else {
        let notice = Some(tr.t("priority-no-campaign"));
        return Ok(Split { all, campaign, comuni, default_comuni, forms, errors, notice, result });
    };
    let territories = load(state, c.id, Level::Comune).await?;
    if territories.is_empty() {
        let notice = Some(tr.t("priority-no-territories"));
        return Ok(Split { all, campaign, comuni, default_comuni, forms, errors, notice, result });
    }
    if comuni.is_empty() {
        // The default: the shortlist of the default weights.
        default_comuni = true;
        if let Ok(r) = rank(&territories, &Weights::default_weights(), Normalisation::MinMax) {
            comuni = r.rows.iter().take(10).map(|x| territories[x.index].code.clone()).collect::<Vec<_>>().join(" ");
        }
    }
    let codes = parse_codes(&comuni);
    if codes.len() > MAX_RECIPIENTS {
        errors.push(tr.t("allocation-too-many"));
    }
    let mut splits = Vec::new();
    for f in &forms {
        match parse_scenario(f) {
            Err(ids) => {
                for id in ids {
                    errors.push(format!("{}: {}", f.title, tr.t(id)));
                }
            }
            Ok(s) => {
                let (recipients, missing) = s.recipients(&territories, &codes);
                if !missing.is_empty() {
                    let m = tr.t1("allocation-unknown-comuni", "codes", missing.join(", "));
                    if !errors.contains(&m) {
                        errors.push(m);
                    }
                    continue;
                }
                match allocate(Formula { fund: s.fund, fixed: s.fixed }, &recipients) {
                    Ok(a) => splits.push(a),
                    Err(e) => errors.push(format!("{}: {}", f.title, allocation_error(tr, &e))),
                }
            }
        }
    }
    if errors.is_empty() && splits.len() == 2 {
        let b = splits.pop();
        result = splits.pop().zip(b);
    }
    Ok(Split { all, campaign, comuni, default_comuni, forms, errors, notice: None, result })
}

fn alloc_rows(a: &Allocation, b: &Allocation) -> Vec<AllocRow> {
    compare(a, b)
        .into_iter()
        .map(|d| {
            let sa = a.shares.iter().find(|s| s.code == d.code);
            let sb = b.shares.iter().find(|s| s.code == d.code);
            AllocRow {
                code: d.code,
                name: d.name,
                a_indicator: sa.map(|s| decimal(s.indicator, 0)).unwrap_or_default(),
                a_factor: sa.map(|s| decimal(s.factor, 2)).unwrap_or_default(),
                a_total: int(d.a),
                b_indicator: sb.map(|s| decimal(s.indicator, 0)).unwrap_or_default(),
                b_factor: sb.map(|s| decimal(s.factor, 2)).unwrap_or_default(),
                b_total: int(d.b),
                difference: signed(d.difference),
            }
        })
        .collect()
}

fn signed(x: i64) -> String {
    if x > 0 { format!("+{}", int(x)) } else { int(x) }
}

pub async fn allocation(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let query = q.unwrap_or_default();
    let s = split(&state, &tr, &query).await?;
    allocation_page(&state, &ctx, &user, s)
}

/// The page of a split: the form as typed, the errors (422) or both scenarios side by side.
fn allocation_page(state: &AppState, ctx: &RequestCtx, user: &CurrentUser, s: Split) -> WebResult<Response> {
    let selected = s.campaign.as_ref().map_or(0, |c| c.id);
    let (rows, totals) = match &s.result {
        Some((a, b)) => (alloc_rows(a, b), vec![int(a.total()), int(b.total()), signed(b.total() - a.total())]),
        None => (Vec::new(), Vec::new()),
    };
    let status = if s.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(AllocationPage {
        chrome: Chrome::for_user(state, ctx, user),
        campaigns: campaign_choices(&s.all, selected),
        query: alloc_query(selected, &s.comuni, &s.forms),
        comuni: s.comuni,
        default_comuni: s.default_comuni,
        scenarios: s.forms,
        errors: s.errors,
        notice: s.notice,
        rows,
        totals,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

fn alloc_query(campaign: i64, comuni: &str, forms: &[ScenarioForm]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("campaign", &campaign.to_string());
    q.append_pair("comuni", comuni);
    for f in forms {
        let k = f.key;
        q.append_pair(&format!("{k}.fund"), &f.fund);
        q.append_pair(&format!("{k}.fixed"), &f.fixed);
        if let Some(i) = f.indicators.iter().find(|c| c.selected) {
            q.append_pair(&format!("{k}.indicator"), &i.value);
        }
        q.append_pair(&format!("{k}.age7"), &f.age_7);
        q.append_pair(&format!("{k}.age21"), &f.age_21);
        q.append_pair(&format!("{k}.init"), &f.initiatives);
    }
    q.finish()
}

pub async fn allocation_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let s = split(&state, &tr, &q.unwrap_or_default()).await?;
    let Some((a, b)) = s.result else {
        let why = if s.errors.is_empty() { s.notice.unwrap_or_default() } else { s.errors.join("\n") };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, why).into_response());
    };
    let ta = &s.forms[0].title;
    let tb = &s.forms[1].title;
    let mut rows = vec![vec![
        tr.t("priority-code"),
        tr.t("priority-territory"),
        format!("{ta}: {}", tr.t("allocation-indicator")),
        format!("{ta}: {}", tr.t("allocation-factor")),
        format!("{ta}: {}", tr.t("allocation-fixed-share")),
        format!("{ta}: {}", tr.t("allocation-variable-share")),
        format!("{ta}: {}", tr.t("allocation-total")),
        format!("{tb}: {}", tr.t("allocation-indicator")),
        format!("{tb}: {}", tr.t("allocation-factor")),
        format!("{tb}: {}", tr.t("allocation-fixed-share")),
        format!("{tb}: {}", tr.t("allocation-variable-share")),
        format!("{tb}: {}", tr.t("allocation-total")),
        tr.t("allocation-difference"),
    ]];
    for (sa, sb) in a.shares.iter().zip(&b.shares) {
        rows.push(vec![
            sa.code.clone(),
            argine_domain::sheet::safe_cell(&sa.name),
            decimal(sa.indicator, 0),
            decimal(sa.factor, 4),
            sa.fixed.to_string(),
            sa.variable.to_string(),
            sa.total.to_string(),
            decimal(sb.indicator, 0),
            decimal(sb.factor, 4),
            sb.fixed.to_string(),
            sb.variable.to_string(),
            sb.total.to_string(),
            (sb.total - sa.total).to_string(),
        ]);
    }
    rows.push(vec![
        String::new(),
        tr.t("allocation-total"),
        String::new(),
        String::new(),
        a.shares.iter().map(|s| s.fixed).sum::<i64>().to_string(),
        a.variable_pool.to_string(),
        a.total().to_string(),
        String::new(),
        String::new(),
        b.shares.iter().map(|s| s.fixed).sum::<i64>().to_string(),
        b.variable_pool.to_string(),
        b.total().to_string(),
        (b.total() - a.total()).to_string(),
    ]);
    let stem = format!("ripartizione-{}", s.campaign.map_or(0, |c| c.id));
    crate::download::table(TableFormat::Xlsx, &stem, &tr.t("allocation-sheet"), rows)
}

/// The typst template of the split as PDF; every text and figure comes from `data.json`.
const ALLOCATION_TYP: &str = include_str!("../../templates/pdf/allocation.typ");

/// One scenario of the PDF: its formula and its table of shares with the total row.
fn scenario_data(tr: &Tr, form: &ScenarioForm, scenario: &Scenario, a: &Allocation) -> serde_json::Value {
    let fixed_total: i64 = a.shares.iter().map(|s| s.fixed).sum();
    let indicator = tr.t(&format!("priority-ind-{}", scenario.indicator.code()));
    let parameters = vec![
        (tr.t("allocation-fund"), int(a.formula.fund)),
        (tr.t("allocation-fixed-share"), int(a.formula.fixed)),
        (tr.t("allocation-pdf-comuni"), int(a.shares.len() as i64)),
        (tr.t("allocation-pdf-fixed-total"), int(fixed_total)),
        (tr.t("allocation-pdf-variable-pool"), int(a.variable_pool)),
        (tr.t("allocation-indicator"), indicator),
        (tr.t("allocation-age7"), decimal(scenario.age_7, 2)),
        (tr.t("allocation-age21"), decimal(scenario.age_21, 2)),
        (tr.t("allocation-initiatives"), decimal(scenario.initiatives, 2)),
        (tr.t("allocation-pdf-formula"), tr.t("allocation-pdf-formula-text")),
    ];
    let rows: Vec<serde_json::Value> = a
        .shares
        .iter()
        .map(|s| {
            serde_json::json!({
                "code": s.code,
                "name": s.name,
                "indicator": decimal(s.indicator, 0),
                "factor": decimal(s.factor, 4),
                "fixed": int(s.fixed),
                "variable": int(s.variable),
                "total": int(s.total),
            })
        })
        .collect();
    serde_json::json!({
        "title": form.title,
        "parameters": parameters.into_iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
        "rows": rows,
        "total": {
            "name": tr.t("allocation-total"),
            "fixed": int(fixed_total),
            "variable": int(a.variable_pool),
            "total": int(a.total()),
        },
    })
}

/// What the PDF of a split shows: the choice, each scenario, the two side by side.
fn allocation_data(
    state: &AppState,
    tr: &Tr,
    s: &Split,
    a: &Allocation,
    b: &Allocation,
) -> WebResult<serde_json::Value> {
    let mut scenarios = Vec::new();
    for (form, split) in s.forms.iter().zip([a, b]) {
        // The split exists, so the form parsed; parsing again gives its indicator and factors.
        let scenario = parse_scenario(form)
            .map_err(|ids| crate::error::WebError::Internal(anyhow::anyhow!("scenario no longer parses: {ids:?}")))?;
        scenarios.push(scenario_data(tr, form, &scenario, split));
    }
    let comparison: Vec<serde_json::Value> = compare(a, b)
        .into_iter()
        .map(|d| {
            serde_json::json!({
                "code": d.code, "name": d.name, "a": int(d.a), "b": int(d.b), "difference": signed(d.difference),
            })
        })
        .collect();
    let campaign = s.campaign.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    Ok(serde_json::json!({
        "lang": tr.lang(),
        "title": tr.t("allocation-pdf-title"),
        "author": state.config.instance_name,
        "footer": format!("argine · {} · {}", state.config.instance_name, tr.t("allocation-pdf-footer")),
        "facts": [
            [tr.t("allocation-pdf-campaign"), campaign],
            [tr.t("allocation-pdf-comuni"), int(a.shares.len() as i64)],
        ],
        "note": tr.t("allocation-pdf-rounding"),
        "labels": {
            "code": tr.t("priority-code"),
            "comune": tr.t("allocation-pdf-comune"),
            "indicator": tr.t("allocation-indicator"),
            "factor": tr.t("allocation-pdf-correction"),
            "fixed": tr.t("allocation-pdf-fixed"),
            "variable": tr.t("allocation-pdf-variable"),
            "total": tr.t("allocation-pdf-total"),
            "difference": tr.t("allocation-pdf-difference"),
            "comparison": tr.t("allocation-pdf-comparison"),
        },
        "scenarios": scenarios,
        "comparison": {
            "a": format!("{} (€)", s.forms[0].title),
            "b": format!("{} (€)", s.forms[1].title),
            "rows": comparison,
            "total": {
                "name": tr.t("allocation-total"),
                "a": int(a.total()),
                "b": int(b.total()),
                "difference": signed(b.total() - a.total()),
            },
        },
    }))
}

/// `/territori/ripartizione.pdf?…`: the split of the page's query as a PDF document; when it
/// cannot be made, the page with its errors (422).
pub async fn allocation_pdf(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawQuery(q): RawQuery,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let s = split(&state, &tr, &q.unwrap_or_default()).await?;
    let Some((a, b)) = &s.result else {
        // Nothing to typeset: the page says what is wrong, with the form as typed.
        let mut res = allocation_page(&state, &ctx, &user, s)?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let data = allocation_data(&state, &tr, &s, a, b)?;
    let bytes = crate::download::typeset(&state.pdf, ALLOCATION_TYP, &data, "allocation").await?;
    Ok(crate::download::pdf(&format!("ripartizione-{}.pdf", s.campaign.as_ref().map_or(0, |c| c.id)), bytes))
}
