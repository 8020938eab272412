//! Public pages: data sources and attributions; the language switch.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebResult;
use crate::i18n::Lang;
use crate::middleware::{LANG_COOKIE, RequestCtx};
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "data_sources.html")]
struct DataPage {
    chrome: Chrome,
}

pub async fn data_sources(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: Option<CurrentUser>,
) -> WebResult<Response> {
    let chrome = match &user {
        Some(u) => Chrome::for_user(&state, &ctx, u),
        None => Chrome::anonymous(&state, &ctx),
    };
    render(DataPage { chrome })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    lang: String,
    next: String,
}

/// Stores the chosen language in a cookie (and on the account when logged in).
pub async fn set_language(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    Form(f): Form<LangForm>,
) -> WebResult<Response> {
    let lang = Lang::from_code(&f.lang).unwrap_or_default();
    if let Some(u) = user {
        let mut conn = state.db.pool().acquire().await.map_err(argine_storage::StorageError::from)?;
        argine_storage::accounts::set_locale(&mut conn, u.user.id, lang.code()).await?;
    }
    let cookie =
        HeaderValue::from_str(&format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code()))
            .unwrap_or(HeaderValue::from_static("argine_lang=it; Path=/"));
    // Any local page, the login form included (unlike the post-login destination).
    let next = if f.next.starts_with('/') && !f.next.starts_with("//") && !f.next.contains('\\') {
        f.next.clone()
    } else {
        "/".to_owned()
    };
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}
