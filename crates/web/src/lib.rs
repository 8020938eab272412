//! The web layer: HTML pages (askama + htmx, Bootstrap Italia) and the JSON API.
//!
//! Data flows one way: extract and parse the request into domain types → ask
//! [`argine_domain::access::authorize`] → storage → view model → template. Templates receive
//! view models, never rows.

pub mod api;
mod assets;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod mail;
mod middleware;
pub mod pages;
mod state;
pub mod territory;

pub use state::{AppState, WebConfig};

use axum::Router;
use axum::routing::{get, post};

/// Every route of the application. Registering a route here without an `authorize` call in its
/// handler makes the route × role matrix test fail.
pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home::home))
        .route("/dati", get(pages::about::data_sources))
        .route("/lingua", post(pages::about::set_language))
        .route("/login", get(auth::login::form).post(auth::login::submit))
        .route("/login/mfa", get(auth::mfa::challenge_form).post(auth::mfa::challenge_submit))
        .route("/logout", post(auth::login::logout))
        .route("/password/dimenticata", get(auth::recovery::forgot_form).post(auth::recovery::forgot_submit))
        .route("/password/reimposta/{token}", get(auth::recovery::reset_form).post(auth::recovery::reset_submit))
        .route("/invito/{token}", get(auth::recovery::invite_form).post(auth::recovery::invite_submit))
        .route("/account", get(pages::account::show))
        .route("/account/password", post(pages::account::change_password))
        .route("/account/esci-ovunque", post(pages::account::logout_everywhere))
        .route("/account/mfa", get(auth::mfa::setup_form).post(auth::mfa::setup_submit))
        .route("/account/token", post(pages::account::create_token))
        .route("/account/token/{id}/revoca", post(pages::account::revoke_token))
        .route("/admin/utenti", get(pages::admin::users).post(pages::admin::invite_user))
        .route("/admin/utenti/{id}", get(pages::admin::user_detail).post(pages::admin::update_user))
        .route("/admin/organizzazioni", get(pages::admin::organisations).post(pages::admin::create_organisation))
        .route("/admin/audit", get(pages::admin::audit))
        .route("/admin/job", get(pages::admin::jobs))
        .route("/admin/job/{id}/riprova", post(pages::admin::retry_job))
        .route("/territorio", get(territory::pages::index))
        .route("/territorio/mappa", get(territory::pages::map))
        .route("/territorio/mappa.svg", get(territory::svg::map_svg))
        .route("/territorio/regioni/{code}", get(territory::pages::region))
        .route("/territorio/province/{code}", get(territory::pages::province))
        .route("/territorio/comuni/{code}", get(territory::pages::comune));
    let api = Router::new()
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/organisations", get(api::organisations))
        .route("/api/v1/territory/summary", get(territory::api::summary))
        .route("/api/v1/territory/comuni", get(territory::api::search))
        .route("/api/v1/territory/comuni/{code}", get(territory::api::comune))
        .route("/api/v1/territory/geo/{level}", get(territory::api::boundaries))
        .route("/api/v1/territory/indicators/{level}", get(territory::api::indicators))
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/api/docs", get(api::docs));
    Router::new()
        .merge(pages)
        .merge(api)
        .route("/healthz", get(pages::health::healthz))
        .route("/readyz", get(pages::health::readyz))
        .route("/static/{*path}", get(assets::serve))
        .fallback(pages::errors::not_found)
        // Innermost first: panics and oversized bodies become error responses that the request
        // context renders as pages; security headers go on everything, error pages included.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(middleware::panic_response))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf))
        .layer(axum::middleware::from_fn(middleware::request_context))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .with_state(state)
}
