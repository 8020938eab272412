//! Campaigns: which questionnaire went to which Comuni, and how far they got — invited,
//! opened, started, submitted, by region and in total.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::WebResult;
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use argine_storage::census::{self, Campaign, Progress};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub form: String,
    pub opens_on: String,
    pub deadline: String,
    pub status: String,
    pub status_code: String,
}

#[derive(Template)]
#[template(path = "census/campaigns.html")]
struct ListPage {
    chrome: Chrome,
    campaigns: Vec<CampaignRow>,
}

fn status_label(tr: &Tr, c: &Campaign) -> String {
    tr.t(&format!("census-campaign-{}", c.status))
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let mut campaigns = Vec::new();
    for c in census::campaigns(&mut conn).await? {
        let v = census::version(&mut conn, c.form_version_id).await?;
        campaigns.push(CampaignRow {
            id: c.id,
            form: format!("{} ({})", v.title, v.version),
            opens_on: tr.date(&c.opens_on),
            deadline: tr.date(&c.deadline),
            status: status_label(&tr, &c),
            status_code: c.status.clone(),
            name: c.name,
        });
    }
    render(ListPage { chrome: Chrome::for_user(&state, &ctx, &user), campaigns })
}

pub struct ProgressRow {
    pub code: String,
    pub name: String,
    pub p: Progress,
    pub rate: String,
}

#[derive(Template)]
#[template(path = "census/campaign.html")]
struct DetailPage {
    chrome: Chrome,
    name: String,
    form: String,
    form_version_id: i64,
    opens_on: String,
    deadline: String,
    status: String,
    total: ProgressRow,
    regions: Vec<ProgressRow>,
}

/// Formats a percentage the Italian or English way (one decimal).
fn percent(tr: &Tr, rate: f64) -> String {
    let s = format!("{rate:.1}");
    if tr.lang() == "it" { format!("{}%", s.replace('.', ",")) } else { format!("{s}%") }
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let c = census::campaign(&mut conn, id).await?;
    let v = census::version(&mut conn, c.form_version_id).await?;
    let (total, by_region) = census::progress_by_region(&mut conn, id).await?;
    drop(conn);
    let territory = state.territory();
    let regions = by_region
        .into_iter()
        .map(|(code, p)| ProgressRow {
            name: territory.region(&code).map_or_else(|| code.clone(), |r| r.name.clone()),
            rate: percent(&tr, p.rate()),
            code,
            p,
        })
        .collect();
    render(DetailPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        form: format!("{} ({})", v.title, v.version),
        form_version_id: v.id,
        opens_on: tr.date(&c.opens_on),
        deadline: tr.date(&c.deadline),
        status: status_label(&tr, &c),
        total: ProgressRow {
            code: String::new(),
            name: tr.t("census-total"),
            rate: percent(&tr, total.rate()),
            p: total,
        },
        regions,
        name: c.name,
    })
}
