//! Follow-up of a campaign's Comuni: one Comune's page (where it is, the e-mails sent to it
//! and whether they went out, the contact log of calls and messages), adding a contact,
//! retrying a failed e-mail, and closing the campaign.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{field, pairs};
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_storage::census::{self, Invitation};
use argine_storage::{StorageError, jobs};
use askama::Template;
use axum::extract::{Path, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

pub const CHANNELS: [&str; 5] = ["phone", "email", "pec", "visit", "other"];
pub const OUTCOMES: [&str; 6] = ["reached", "no_answer", "promised", "refused", "wrong_contact", "other"];

pub struct MailRow {
    pub id: i64,
    pub kind: String,
    pub channel: String,
    pub when: String,
    pub status: String,
    pub failed: bool,
    pub error: String,
}

pub struct ContactRow {
    pub when: String,
    pub channel: String,
    pub outcome: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "census/invitation.html")]
struct InvitationPage {
    chrome: Chrome,
    campaign_id: i64,
    campaign: String,
    inv: Invitation,
    status: String,
    dates: Vec<(String, String)>,
    mails: Vec<MailRow>,
    contacts: Vec<ContactRow>,
    channels: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, String)>,
    can_manage: bool,
    can_view_responses: bool,
}

pub fn mail_row(tr: &Tr, m: &census::Mailing) -> MailRow {
    let status = m.job_status.clone().unwrap_or_else(|| "done".into());
    MailRow {
        id: m.id,
        kind: tr.t(&format!("census-mail-kind-{}", m.kind)),
        channel: if m.channel == "pec" { "PEC".into() } else { "e-mail".into() },
        when: tr.datetime(m.created_at),
        failed: status == "failed",
        status: tr.t(&format!("census-mail-status-{status}")),
        error: m.last_error.clone().unwrap_or_default(),
    }
}

async fn load(state: &AppState, campaign_id: i64, invitation: i64) -> WebResult<(census::Campaign, Invitation)> {
    let mut conn = state.db.pool().acquire().await?;
    let inv = census::invitation(&mut conn, invitation).await?;
    if inv.campaign_id != campaign_id {
        return Err(WebError::NotFound);
    }
    Ok((census::campaign(&mut conn, campaign_id).await?, inv))
}

pub async fn invitation(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let (campaign, inv) = load(&state, id, invitation).await?;
    let mut conn = state.db.pool().acquire().await?;
    let mails = census::mailings_of(&mut conn, inv.id).await?.iter().map(|m| mail_row(&tr, m)).collect();
    let contacts = census::contacts(&mut conn, inv.id)
        .await?
        .into_iter()
        .map(|k| ContactRow {
            when: tr.datetime(k.created_at),
            channel: tr.t(&format!("census-contact-channel-{}", k.channel)),
            outcome: tr.t(&format!("census-contact-outcome-{}", k.outcome)),
            note: k.note,
        })
        .collect();
    drop(conn);
    let status = super::campaigns::status_key(&inv);
    let dates =
        [("census-opened", inv.opened_at), ("census-started", inv.started_at), ("census-submitted", inv.submitted_at)]
            .into_iter()
            .filter_map(|(k, t)| t.map(|t| (tr.t(k), tr.datetime(t))))
            .collect();
    render(InvitationPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        campaign_id: id,
        campaign: campaign.name,
        status: tr.t(status),
        dates,
        mails,
        contacts,
        channels: CHANNELS.iter().map(|c| (*c, tr.t(&format!("census-contact-channel-{c}")))).collect(),
        outcomes: OUTCOMES.iter().map(|o| (*o, tr.t(&format!("census-contact-outcome-{o}")))).collect(),
        can_manage: authorize(&user.actor, Action::ManageCensus, &Resource::Census).is_allowed(),
        can_view_responses: authorize(&user.actor, Action::ViewCensusResponses, &Resource::Census).is_allowed(),
        inv,
    })
}

/// Adds an entry to a Comune's contact log.
pub async fn add_contact(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, invitation)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let (_, inv) = load(&state, id, invitation).await?;
    let f = pairs(&body);
    let (channel, outcome, note) = (field(&f, "channel"), field(&f, "outcome"), field(&f, "note"));
    if !CHANNELS.contains(&channel.as_str()) || !OUTCOMES.contains(&outcome.as_str()) {
        return Err(WebError::BadRequest("census-contact-invalid"));
    }
    if note.chars().count() > 2000 {
        return Err(WebError::BadRequest("census-contact-too-long"));
    }
    let mut tx = state.db.begin().await?;
    let contact = census::add_contact(&mut tx, inv.id, &channel, &outcome, &note, Some(user.user.id)).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.contact.add",
        ("census_invitation", inv.id),
        json!({"campaign": id, "contact": contact, "channel": channel, "outcome": outcome}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}/comuni/{}#contatti", inv.id)).into_response())
}

/// Queues a failed e-mail again.
pub async fn retry_mail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, mailing)): Path<(i64, i64)>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let mut conn = state.db.pool().acquire().await?;
    let failed = census::mailings(&mut conn, id, true, 10_000).await?;
    drop(conn);
    let Some(m) = failed.into_iter().find(|m| m.id == mailing) else { return Err(WebError::NotFound) };
    let Some(job) = m.job_id else { return Err(WebError::NotFound) };
    jobs::retry(&state.db, job).await?;
    let mut tx = state.db.begin().await?;
    audit_write(&mut tx, &user, &ctx, "census.mail.retry", ("census_invitation", m.invitation_id), json!({"job": job}))
        .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}#invii")).into_response())
}

/// Closes the campaign: links stop working, no more e-mails.
pub async fn close(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCensus, &Resource::Census).await?;
    let mut tx = state.db.begin().await?;
    census::close_campaign(&mut tx, id).await.map_err(|e| match e {
        StorageError::NotFound => WebError::Conflict("census-campaign-not-open"),
        e => e.into(),
    })?;
    audit_write(&mut tx, &user, &ctx, "census.campaign.close", ("census_campaign", id), json!({})).await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/censimento/campagne/{id}")).into_response())
}

/// The map of a campaign's response rate by province (SVG), for the campaign page.
pub async fn map_svg(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    use axum::http::{HeaderValue, header};
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCensus, &Resource::Census).await?;
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let campaign = census::campaign(&mut conn, id).await?;
    let invitations = census::invitations(&mut conn, id).await?;
    drop(conn);
    let mut by_province: std::collections::HashMap<String, (u32, u32)> = std::collections::HashMap::new();
    for i in &invitations {
        let e = by_province.entry(i.province_code.clone()).or_default();
        e.0 += 1;
        e.1 += u32::from(i.submitted_at.is_some());
    }
    let values = by_province
        .iter()
        .map(|(code, (invited, submitted))| (code.clone(), f64::from(*submitted) * 100.0 / f64::from(*invited)))
        .collect();
    let areas: Vec<_> = crate::territory::svg::layers()[1].iter().collect();
    let title = tr.t1("census-map-title", "campaign", campaign.name.clone());
    let fmt = |x: f64| format!("{}%", crate::territory::pages::dec(&tr, x, 0));
    let svg = argine_reports::map::choropleth(
        &areas,
        &values,
        &argine_reports::map::Choropleth {
            title: &title,
            legend_title: &tr.t("census-rate"),
            format: &fmt,
            source: crate::territory::api::ATTRIBUTION,
            no_data: &tr.t("census-map-not-invited"),
            width: 900,
        },
    )
    .map_err(|e| WebError::Internal(anyhow::Error::new(e)))?;
    let mut res = svg.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml; charset=utf-8"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=60"));
    Ok(res)
}
