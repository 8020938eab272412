//! The home page: who you are, what you can reach.

use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::WebResult;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    org_type: String,
    roles: Vec<String>,
    jurisdiction: String,
    mfa_enrolled: bool,
}

pub async fn home(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewDashboard, &Resource::System).await?;
    let chrome = Chrome::for_user(&state, &ctx, &user);
    let tr = chrome.tr;
    render(HomePage {
        org_type: tr.t(&user.org.org_type.label_key()),
        roles: user.user.roles.iter().map(|r| tr.t(&r.label_key())).collect(),
        jurisdiction: super::admin::jurisdiction_text(&tr, &user.org.jurisdiction),
        mfa_enrolled: user.user.mfa_enrolled(),
        chrome,
    })
}
