//! The questionnaires a Comune's referent can fill in through the account, rather than the
//! link sent by e-mail: the open campaigns' invitations of the Comuni the referent's
//! organisation covers. Opening one leads to the same response form as the link (the
//! invitation's link is decrypted for that), audited as `census.response.open_by_account`.

use super::mailing::LINK_AAD;
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::orgs::audit_write;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::territory::TerritoryPath;
use argine_storage::StorageError;
use argine_storage::census::{self, Invitation};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

fn place(i: &Invitation) -> Resource {
    Resource::Territory(TerritoryPath::comune(&i.region_code, &i.province_code, &i.comune_code))
}

pub struct MineRow {
    pub id: i64,
    pub campaign: String,
    pub comune: String,
    pub deadline: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "census/mine.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<MineRow>,
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewDashboard, &Resource::System).await?;
    let tr = Tr::new(ctx.lang);
    let today = argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string();
    let mut conn = state.db.pool().acquire().await?;
    let mut rows = Vec::new();
    for c in census::campaigns(&mut conn).await?.into_iter().filter(|c| c.accepts_submissions(&today)) {
        for i in census::invitations(&mut conn, c.id).await? {
            if !authorize(&user.actor, Action::AnswerCensus, &place(&i)).is_allowed() {
                continue;
            }
            let status = super::campaigns::status_key(&i);
            rows.push(MineRow {
                id: i.id,
                campaign: c.name.clone(),
                comune: i.comune_name,
                deadline: tr.date(&c.deadline),
                status: tr.t(status),
            });
        }
    }
    render(MinePage { chrome: Chrome::for_user(&state, &ctx, &user), rows })
}

/// Opens the response form of an invitation of the referent's Comune.
pub async fn open(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(invitation): Path<i64>,
) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let inv = census::invitation(&mut conn, invitation).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::AnswerCensus, &place(&inv)).await?;
    let secret = census::link_secret(&mut conn, inv.id).await?.ok_or(WebError::NotFound)?;
    drop(conn);
    let secret = state
        .keyring
        .decrypt(&secret, LINK_AAD)
        .ok()
        .and_then(|s| String::from_utf8(s).ok())
        .ok_or_else(|| WebError::Internal(anyhow::anyhow!("invitation {} has an unreadable link", inv.id)))?;
    let mut tx = state.db.begin().await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "census.response.open_by_account",
        ("census_invitation", inv.id),
        json!({"campaign": inv.campaign_id, "comune": inv.comune_code}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/risposta/{secret}")).into_response())
}
