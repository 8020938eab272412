//! Public territory pages: search, region / province / comune profiles, the map.

use super::Territory;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

fn chrome(state: &AppState, ctx: &RequestCtx, user: Option<&CurrentUser>) -> Chrome {
    match user {
        Some(u) => Chrome::for_user(state, ctx, u),
        None => Chrome::anonymous(state, ctx),
    }
}

/// Integers with Italian/English thousands separators.
pub fn num(tr: &Tr, n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let sep = if tr.lang() == "it" { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn dec(tr: &Tr, x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    if tr.lang() == "it" {
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let int = num(tr, int.parse().unwrap_or(0));
        if frac.is_empty() { int } else { format!("{int},{frac}") }
    } else {
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let int = num(tr, int.parse().unwrap_or(0));
        if frac.is_empty() { int } else { format!("{int}.{frac}") }
    }
}

/// Population, area and density rows of a profile.
fn size_facts(tr: &Tr, pop: i64, area_km2: f64) -> [(String, String); 3] {
    [
        (tr.t("territory-population"), num(tr, pop)),
        (tr.t("territory-area"), format!("{} km²", dec(tr, area_km2, 1))),
        (tr.t("territory-density"), format!("{} ab./km²", dec(tr, pop as f64 / area_km2.max(0.01), 1))),
    ]
}

pub struct Link {
    pub href: String,
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "territory/index.html")]
struct IndexPage {
    chrome: Chrome,
    q: String,
    results: Vec<Link>,
    searched: bool,
    regions: Vec<Link>,
    counts: String,
    reference: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

fn reference_note(tr: &Tr, t: &Territory) -> String {
    let s = t.summary.clone().unwrap_or_else(|| argine_storage::territory::Summary {
        regions: 0,
        provinces: 0,
        comuni: 0,
        vintage: String::new(),
        patched_to: String::new(),
        population_date: String::new(),
    });
    tr.args(
        "territory-reference",
        &[("vintage", s.vintage), ("patched", s.patched_to), ("population", s.population_date)],
    )
}

pub async fn index(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<CurrentUser>,
    Query(q): Query<SearchQuery>,
) -> WebResult<Response> {
    let t = state.territory();
    let tr = Tr::new(ctx.lang);
    let searched = !q.q.trim().is_empty();
    let results = if searched {
        t.search(&q.q, 25)
            .into_iter()
            .map(|(c, _)| Link {
                href: format!("/territorio/comuni/{}", Territory::key(c)),
                label: c.display_name(),
                detail: format!(
                    "{} · {} · {} {}",
                    c.sigla,
                    Territory::key(c),
                    num(&tr, c.pop_total),
                    tr.t("territory-inhabitants")
                ),
            })
            .collect()
    } else {
        Vec::new()
    };
    let regions = t
        .regions
        .iter()
        .map(|r| Link {
            href: format!("/territorio/regioni/{}", r.code),
            label: r.name.clone(),
            detail: num(&tr, r.pop_total),
        })
        .collect();
    let s = t.summary.clone();
    let counts = s
        .map(|s| {
            tr.args(
                "territory-counts",
                &[
                    ("regions", num(&tr, s.regions)),
                    ("provinces", num(&tr, s.provinces)),
                    ("comuni", num(&tr, s.comuni)),
                ],
            )
        })
        .unwrap_or_default();
    render(IndexPage {
        reference: reference_note(&tr, &t),
        chrome: chrome(&state, &ctx, user.as_ref()),
        q: q.q,
        results,
        searched,
        regions,
        counts,
    })
}

#[derive(Template)]
#[template(path = "territory/region.html")]
struct RegionPage {
    chrome: Chrome,
    name: String,
    code: String,
    facts: Vec<(String, String)>,
    provinces: Vec<Link>,
    reference: String,
}

pub async fn region(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let t = state.territory();
    let tr = Tr::new(ctx.lang);
    let r = t.region(&code).ok_or(WebError::NotFound)?;
    let provinces = t
        .provinces_of(&r.code)
        .into_iter()
        .map(|p| Link {
            href: format!("/territorio/province/{}", p.code),
            label: p.name.clone(),
            detail: num(&tr, p.pop_total),
        })
        .collect();
    let n_comuni: usize = t.provinces_of(&r.code).iter().map(|p| t.comuni_of(&p.code).len()).sum();
    let mut facts = vec![
        (tr.t("territory-istat-code"), r.code.clone()),
        (tr.t("territory-macroarea"), r.macroarea.clone()),
        (
            "NUTS".to_owned(),
            [r.nuts1.as_str(), r.nuts2.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    ];
    facts.extend(size_facts(&tr, r.pop_total, r.area_km2));
    facts.push((tr.t("territory-n-comuni"), num(&tr, n_comuni as i64)));
    render(RegionPage {
        reference: reference_note(&tr, &t),
        chrome: chrome(&state, &ctx, user.as_ref()),
        name: r.name.clone(),
        code: r.code.clone(),
        facts,
        provinces,
    })
}

#[derive(Template)]
#[template(path = "territory/province.html")]
struct ProvincePage {
    chrome: Chrome,
    name: String,
    code: String,
    region: Link,
    facts: Vec<(String, String)>,
    comuni: Vec<Link>,
    reference: String,
}

pub async fn province(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let t = state.territory();
    let tr = Tr::new(ctx.lang);
    let p = t.province(&code).ok_or(WebError::NotFound)?;
    let region = t.region(&p.region_code).ok_or(WebError::NotFound)?;
    let comuni: Vec<Link> = t
        .comuni_of(&p.code)
        .into_iter()
        .map(|c| Link {
            href: format!("/territorio/comuni/{}", Territory::key(c)),
            label: c.display_name(),
            detail: num(&tr, c.pop_total),
        })
        .collect();
    let mut facts = vec![
        (tr.t("territory-uts-code"), p.code.clone()),
        (tr.t("territory-sigla"), p.sigla.clone()),
        (tr.t("territory-uts-type"), p.uts_label.clone()),
    ];
    facts.extend(size_facts(&tr, p.pop_total, p.area_km2));
    facts.push((tr.t("territory-n-comuni"), num(&tr, comuni.len() as i64)));
    render(ProvincePage {
        reference: reference_note(&tr, &t),
        chrome: chrome(&state, &ctx, user.as_ref()),
        name: p.name.clone(),
        code: p.code.clone(),
        region: Link {
            href: format!("/territorio/regioni/{}", region.code),
            label: region.name.clone(),
            detail: String::new(),
        },
        facts,
        comuni,
    })
}

pub struct PopRow {
    pub label: String,
    pub value: String,
    pub share: String,
}

#[derive(Template)]
#[template(path = "territory/comune.html")]
struct ComunePage {
    chrome: Chrome,
    name: String,
    notice: Option<String>,
    facts: Vec<(String, String)>,
    province: Link,
    region: Link,
    population: Vec<PopRow>,
    neighbours: Vec<Link>,
    history: Vec<Link>,
    reference: String,
}

pub async fn comune(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<CurrentUser>,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let t = state.territory();
    let tr = Tr::new(ctx.lang);
    let Some(resolved) = t.resolve(&code) else {
        if let Some(old) = t.suppressed(&code) {
            let body = tr.args(
                "territory-suppressed",
                &[("name", old.name.clone()), ("date", old.valid_to.clone().unwrap_or_default())],
            );
            return crate::pages::message_text(
                &state,
                &ctx,
                "territory-suppressed-title",
                body,
                Some(("/territorio", "nav-territory")),
            );
        }
        return Err(WebError::NotFound);
    };
    let c = resolved.current;
    let notice = resolved.via.map(|v| {
        tr.args(
            "territory-resolved-from",
            &[
                ("code", code.clone()),
                ("old", v.name.clone()),
                ("new", c.display_name()),
                ("date", v.valid_to.as_deref().map(super::api::next_day).unwrap_or_default()),
            ],
        )
    });
    let province = t.province(&c.province_code);
    let region = t.region(&c.region_code);
    let mut facts = vec![
        (
            tr.t("territory-istat-code"),
            if c.istat.is_empty() { tr.t("territory-istat-unknown") } else { c.istat.clone() },
        ),
        (tr.t("territory-belfiore"), c.belfiore.clone()),
    ];
    if !c.name_other.is_empty() {
        facts.push((tr.t("territory-name-other"), c.name_other.clone()));
    }
    if c.is_capoluogo() {
        facts.push((tr.t("territory-capoluogo"), tr.t("yes")));
    }
    if !c.nuts3.is_empty() {
        facts.push(("NUTS 3".into(), c.nuts3.clone()));
    }
    facts.push((tr.t("territory-valid-from"), c.valid_from.clone()));
    if let Some(a) = c.area_km2 {
        facts.push((tr.t("territory-area"), format!("{} km²", dec(&tr, a, 2))));
        facts.push((tr.t("territory-density"), format!("{} ab./km²", dec(&tr, c.pop_total as f64 / a.max(0.01), 1))));
    }
    if let (Some(lat), Some(lon)) = (c.lat, c.lon) {
        facts.push((tr.t("territory-point"), format!("{lat:.4}, {lon:.4}")));
    }
    let share = |v: i64| {
        if c.pop_total > 0 {
            format!("{} %", dec(&tr, v as f64 * 100.0 / c.pop_total as f64, 1))
        } else {
            String::new()
        }
    };
    let detailed = c.pop_male + c.pop_female > 0;
    let mut population =
        vec![PopRow { label: tr.t("territory-pop-total"), value: num(&tr, c.pop_total), share: "100 %".into() }];
    if detailed {
        for (k, v) in [
            ("territory-pop-male", c.pop_male),
            ("territory-pop-female", c.pop_female),
            ("territory-pop-0-14", c.pop_0_14),
            ("territory-pop-15-64", c.pop_15_64),
            ("territory-pop-65", c.pop_65_plus),
        ] {
            population.push(PopRow { label: tr.t(k), value: num(&tr, v), share: share(v) });
        }
    }
    let neighbours = t
        .neighbours_of(c)
        .into_iter()
        .map(|n| Link {
            href: format!("/territorio/comuni/{}", Territory::key(n)),
            label: n.display_name(),
            detail: n.sigla.clone(),
        })
        .collect();
    let history = t
        .history_of(c)
        .into_iter()
        .map(|h| Link {
            href: String::new(),
            label: h.name.clone(),
            detail: tr.args(
                &format!("territory-change-{}", h.change_kind.as_deref().unwrap_or("rename")),
                &[
                    ("from", h.valid_from.clone()),
                    ("to", h.valid_to.clone().unwrap_or_default()),
                    ("code", h.belfiore.clone()),
                ],
            ),
        })
        .collect();
    render(ComunePage {
        reference: reference_note(&tr, &t),
        chrome: chrome(&state, &ctx, user.as_ref()),
        name: c.display_name(),
        notice,
        facts,
        province: province
            .map(|p| Link {
                href: format!("/territorio/province/{}", p.code),
                label: p.name.clone(),
                detail: p.sigla.clone(),
            })
            .unwrap_or(Link { href: "/territorio".into(), label: c.sigla.clone(), detail: String::new() }),
        region: region
            .map(|r| Link {
                href: format!("/territorio/regioni/{}", r.code),
                label: r.name.clone(),
                detail: String::new(),
            })
            .unwrap_or(Link { href: "/territorio".into(), label: c.region_code.clone(), detail: String::new() }),
        population,
        neighbours,
        history,
    })
}

#[derive(Template)]
#[template(path = "territory/map.html")]
struct MapPage {
    chrome: Chrome,
    regions: Vec<(Link, String, String)>,
    reference: String,
}

pub async fn map(State(state): State<AppState>, ctx: RequestCtx, user: Option<CurrentUser>) -> WebResult<Response> {
    let t = state.territory();
    let tr = Tr::new(ctx.lang);
    let regions = t
        .regions
        .iter()
        .map(|r| {
            (
                Link { href: format!("/territorio/regioni/{}", r.code), label: r.name.clone(), detail: r.code.clone() },
                num(&tr, r.pop_total),
                dec(&tr, r.pop_total as f64 / r.area_km2.max(0.01), 1),
            )
        })
        .collect();
    render(MapPage { reference: reference_note(&tr, &t), chrome: chrome(&state, &ctx, user.as_ref()), regions })
}
