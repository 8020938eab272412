//! The web layer: HTML pages (askama + htmx, Bootstrap Italia) and the JSON API.
//!
//! Data flows one way: extract and parse the request into domain types → ask
//! [`argine_domain::access::authorize`] → storage → view model → template. Templates receive
//! view models, never rows.

pub mod api;
mod assets;
pub mod auth;
pub mod cases;
pub mod census;
mod download;
pub mod error;
pub mod i18n;
pub mod mail;
mod middleware;
pub use middleware::RequestCtx;
pub mod network;
pub mod outreach;
pub mod pages;
pub mod priority;
pub mod reports;
pub mod settlements;
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
        .route("/admin/organizzazioni", get(|| async { axum::response::Redirect::permanent("/rete/organizzazioni") }))
        .route("/rete", get(|| async { axum::response::Redirect::to("/rete/organizzazioni") }))
        .route("/rete/organizzazioni", get(network::orgs::list).post(network::orgs::create))
        .route("/rete/organizzazioni.csv", get(network::orgs::export_csv))
        .route("/rete/organizzazioni/importa", get(network::import::form))
        .route("/rete/organizzazioni/importa/{id}", post(network::import::apply))
        .route("/rete/organizzazioni/{id}", get(network::orgs::detail).post(network::orgs::update))
        .route("/rete/protocolli", get(network::protocols::list).post(network::protocols::create))
        .route("/rete/protocolli/{id}", get(network::protocols::detail).post(network::protocols::update))
        .route("/rete/documenti/{id}", get(network::protocols::download))
        .route("/rete/gruppi", get(network::groups::list).post(network::groups::create))
        .route("/rete/gruppi/{id}", get(network::groups::detail).post(network::groups::update))
        .route("/rete/gruppi/{id}/riunioni.ics", get(network::groups::calendar_feed))
        .route("/rete/riunioni/{id}", get(network::meetings::detail).post(network::meetings::update))
        .route("/rete/riunioni/{id}/verbale.pdf", get(network::meetings::minutes_pdf))
        .route("/censimento", get(|| async { axum::response::Redirect::to("/censimento/questionari") }))
        .route("/censimento/questionari", get(census::forms::list))
        .route("/censimento/versioni/{id}", get(census::forms::version))
        .route("/censimento/campagne", get(census::campaigns::list))
        .route("/censimento/campagne/nuova", get(census::create::new))
        .route("/censimento/campagne/{id}", get(census::campaigns::detail))
        .route("/censimento/campagne/{id}/comuni", get(census::campaigns::comuni))
        .route("/censimento/campagne/{id}/comuni.csv", get(census::campaigns::comuni_csv))
        .route("/censimento/campagne/{id}/comuni.xlsx", get(census::campaigns::comuni_xlsx))
        .route("/censimento/campagne/{id}/comuni/{invitation}/riapri", post(census::campaigns::reopen))
        .route("/censimento/campagne/{id}/comuni/{invitation}", get(census::follow::invitation))
        .route("/censimento/campagne/{id}/comuni/{invitation}/contatti", post(census::follow::add_contact))
        .route("/censimento/campagne/{id}/invii/{mailing}/riprova", post(census::follow::retry_mail))
        .route("/censimento/campagne/{id}/chiudi", post(census::follow::close))
        .route("/censimento/campagne/{id}/mappa.svg", get(census::follow::map_svg))
        .route("/censimento/campagne/{id}/controllo", get(census::clean::issues))
        .route("/censimento/campagne/{id}/controllo/accetta", post(census::clean::accept))
        .route("/censimento/campagne/{id}/codifica", get(census::coding::list))
        .route("/censimento/campagne/{id}/codifica/{question}", get(census::coding::question))
        .route("/censimento/campagne/{id}/codifica/{question}/codici", post(census::coding::add_code))
        .route("/censimento/campagne/{id}/codifica/{question}/codici/{code}/ritira", post(census::coding::retire))
        .route("/censimento/campagne/{id}/codifica/{question}/assegna", post(census::coding::assign))
        .route("/censimento/campagne/{id}/comuni/{invitation}/dati", get(census::clean::response))
        .route("/censimento/campagne/{id}/comuni/{invitation}/correzioni", post(census::clean::correct))
        .route(
            "/censimento/campagne/{id}/comuni/{invitation}/correzioni/{correction}/ritira",
            post(census::clean::withdraw),
        )
        .route("/censimento/campagne/{id}/rapporti", get(reports::pages::campaign).post(reports::pages::queue))
        .route("/rapporti", get(reports::pages::index))
        .route("/rapporti/modelli", get(reports::pages::templates).post(reports::pages::create_template))
        .route("/rapporti/modelli/{name}", get(reports::pages::edit).post(reports::pages::save))
        .route("/rapporti/{id}", get(reports::pages::show))
        .route("/rapporti/{id}/stato", get(reports::pages::status))
        .route("/rapporti/{id}/pagina", get(reports::pages::read))
        .route("/rapporti/{id}/pubblica", post(reports::pages::publish))
        .route("/rapporti/{id}/ritira", post(reports::pages::withdraw))
        .route("/rapporti/{id}/{file}", get(reports::pages::download))
        .route("/insediamenti", get(settlements::list))
        .route("/insediamenti/mappa", get(settlements::map))
        .route("/insediamenti.csv", get(settlements::export_csv))
        .route("/insediamenti.xlsx", get(settlements::export_xlsx))
        .route("/insediamenti/mappa.geojson", get(settlements::geojson))
        .route("/insediamenti/censimento", post(settlements::import_census))
        .route("/insediamenti/importa", get(settlements::import_form).post(settlements::import_upload))
        .route("/insediamenti/importa/{id}", post(settlements::import_apply))
        .route("/insediamenti/{id}", get(settlements::detail))
        .route("/insediamenti/nuovo", get(settlements::new_form).post(settlements::create))
        .route("/insediamenti/{id}/osservazioni", post(settlements::observe))
        .route("/casi", get(cases::pages::list))
        .route("/casi/nuovo", get(cases::pages::new_form).post(cases::pages::create))
        .route("/casi/{id}", get(cases::pages::detail))
        .route("/casi/{id}/consensi", post(cases::pages::add_consent))
        .route("/casi/{id}/consensi/{consent}/revoca", post(cases::pages::withdraw_consent))
        .route("/casi/{id}/valutazioni", post(cases::pages::assess))
        .route("/casi/{id}/invii", post(cases::pages::refer))
        .route("/casi/{id}/invii/{referral}/risposta", post(cases::pages::respond))
        .route("/casi/{id}/fase", post(cases::pages::stage))
        .route("/casi/{id}/piano", post(cases::work::add_item))
        .route("/casi/{id}/piano/{item}/fatto", post(cases::work::complete_item))
        .route("/casi/{id}/identificazione", post(cases::work::identify))
        .route("/casi/{id}/accesso-straordinario", get(cases::work::glass_form).post(cases::work::glass_grant))
        .route("/casi/accessi", get(cases::work::glass_review))
        .route("/casi/accessi/{grant}", post(cases::work::glass_decide))
        .route("/insediamenti/{id}/stato", post(settlements::set_status))
        .route("/insediamenti/{id}/posizione", post(settlements::move_point))
        // Services, listening points, itinerant teams and outreach sessions.
        .route("/servizi", get(outreach::services::list).post(outreach::services::create))
        .route("/servizi/nuovo", get(outreach::services::new_form))
        .route("/servizi/sportelli", get(outreach::services::desks))
        .route("/servizi/unita-mobili", get(outreach::services::teams).post(outreach::services::create_team))
        .route("/servizi/unita-mobili/{id}", get(outreach::services::team).post(outreach::services::update_team))
        .route("/servizi/unita-mobili/{id}/tappe", post(outreach::services::add_stop))
        .route("/servizi/unita-mobili/{id}/tappe/{stop}/elimina", post(outreach::services::remove_stop))
        .route("/servizi/{id}", get(outreach::services::detail).post(outreach::services::update))
        .route("/servizi/{id}/modifica", get(outreach::services::edit_form))
        .route("/servizi/{id}/sedi", post(outreach::services::add_place))
        .route("/uscite", get(outreach::sessions::list).post(outreach::sessions::create))
        .route("/uscite/nuova", get(outreach::sessions::new_form))
        .route("/uscite/offline", get(outreach::sessions::offline))
        .route("/uscite/sincronizza", post(outreach::sessions::sync))
        .route("/uscite/{id}", get(outreach::sessions::detail))
        .route("/dati-aperti", get(reports::public::list))
        .route("/dati-aperti/{id}", get(reports::public::show))
        .route("/dati-aperti/{id}/{file}", get(reports::public::file))
        .route(
            "/censimento/campagne/{id}/comuni/{invitation}/richiesta",
            get(census::query::new).post(census::query::create),
        )
        .route("/censimento/campagne/{id}/richieste", get(census::query::list))
        .route("/censimento/campagne/{id}/richieste/{query}", get(census::query::detail))
        .route("/censimento/campagne/{id}/richieste/{query}/applica", post(census::query::apply))
        .route("/censimento/campagne/{id}/richieste/{query}/chiudi", post(census::query::close))
        .route("/censimento/da-compilare", get(census::mine::list))
        .route("/censimento/da-compilare/{invitation}", post(census::mine::open))
        .route("/censimento/campagne/{id}/importa", get(census::import::form))
        .route("/censimento/campagne/{id}/importa/{staged}", post(census::import::apply))
        .route("/censimento/campagne/{id}/risposte.xlsx", get(census::export::export_xlsx))
        .route("/censimento/campagne/{id}/risposte.csv", get(census::export::export_csv))
        .route("/censimento/campagne/{id}/risposte.json", get(census::export::export_json))
        // The response form: the secret link of an invitation is the capability (no account).
        .route("/risposta/{link}", get(census::respond::start))
        .route("/risposta/{link}/pagina/{n}", get(census::respond::show_page).post(census::respond::post_page))
        .route("/risposta/{link}/riepilogo", get(census::respond::summary))
        .route("/risposta/{link}/invia", post(census::respond::submit))
        .route("/risposta/{link}/guida.pdf", get(census::respond::guide))
        .route("/risposta/{link}/ricevuta.pdf", get(census::respond::receipt))
        // A query to a Comune: its own secret link is the capability (no account).
        .route("/richiesta/{link}", get(census::query_link::show).post(census::query_link::post))
        .route("/richiesta/{link}/ricevuta", get(census::query_link::receipt))
        .route("/censimento/versioni/{id}/pubblica", post(census::forms::publish))
        .route("/censimento/versioni/{id}/originale.xlsx", get(census::forms::original))
        .route("/censimento/versioni/{id}/xlsform.xlsx", get(census::forms::export))
        .route("/censimento/versioni/{id}/guida.pdf", get(census::forms::guide))
        // Case work across organisations: duplicates, access requests, erasure (docs/CASEWORK.md).
        .route("/casi/duplicati", get(cases::duplicates::list))
        .route("/casi/duplicati/{id}/collega", post(cases::duplicates::link))
        .route("/casi/duplicati/{id}/scollega", post(cases::duplicates::unlink))
        .route("/casi/{id}/esporta.json", get(cases::subject::export_json))
        .route("/casi/{id}/esporta.pdf", get(cases::subject::export_pdf))
        .route("/casi/{id}/cancella", post(cases::subject::erase))
        .route("/admin/audit", get(pages::admin::audit))
        .route("/admin/job", get(pages::admin::jobs))
        .route("/admin/job/{id}/riprova", post(pages::admin::retry_job))
        .route("/territorio", get(territory::pages::index))
        .route("/territorio/mappa", get(territory::pages::map))
        .route("/territorio/mappa.svg", get(territory::svg::map_svg))
        .route("/territorio/regioni/{code}", get(territory::pages::region))
        .route("/territorio/province/{code}", get(territory::pages::province))
        .route("/territorio/comuni/{code}", get(territory::pages::comune))
        .route("/territori/priorita", get(priority::pages::ranking))
        .route("/territori/priorita.csv", get(priority::pages::ranking_csv))
        .route("/territori/priorita.xlsx", get(priority::pages::ranking_xlsx))
        .route("/territori/ripartizione", get(priority::pages::allocation))
        .route("/territori/ripartizione.xlsx", get(priority::pages::allocation_xlsx))
        .route("/territori/ripartizione.pdf", get(priority::pages::allocation_pdf))
        .route("/casi/indicatori", get(cases::indicators::page));
    let api = Router::new()
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/settlements", get(settlements::api_list))
        .route("/api/v1/settlements/summary", get(settlements::api_summary))
        .route("/api/v1/services", get(outreach::api::services))
        .route("/api/v1/outreach/teams", get(outreach::api::teams))
        .route("/api/v1/outreach/sessions", get(outreach::api::list_sessions).post(outreach::api::create_session))
        .route("/api/v1/organisations", get(api::organisations))
        .route("/api/v1/organisations/{id}", get(network::api::organisation))
        .route("/api/v1/protocols", get(network::api::protocols))
        .route("/api/v1/protocols/{id}", get(network::api::protocol))
        .route("/api/v1/groups", get(network::api::groups))
        .route("/api/v1/groups/{id}", get(network::api::group))
        .route("/api/v1/groups/{id}/calendar.ics", get(network::api::group_calendar))
        .route("/api/v1/census/forms", get(census::api::forms))
        .route("/api/v1/census/form-versions/{id}", get(census::api::form_version))
        .route("/api/v1/census/campaigns", get(census::api::campaigns))
        .route("/api/v1/census/campaigns/{id}/summary", get(census::api::campaign_summary))
        .route("/api/v1/census/campaigns/{id}/responses", get(census::api::campaign_responses))
        .route("/api/v1/territory/summary", get(territory::api::summary))
        .route("/api/v1/territory/comuni", get(territory::api::search))
        .route("/api/v1/territory/comuni/{code}", get(territory::api::comune))
        .route("/api/v1/territory/geo/{level}", get(territory::api::boundaries))
        .route("/api/v1/territory/indicators/{level}", get(territory::api::indicators))
        .route("/api/v1/territories/indicators", get(priority::api::indicators))
        .route("/api/v1/territories/scores", get(priority::api::scores))
        .route("/api/v1/allocations", post(priority::api::allocations))
        .route("/api/v1/cases", get(cases::api::list).post(cases::api::create))
        .route("/api/v1/cases/indicators", get(cases::indicators::api))
        .route("/api/v1/cases/{id}", get(cases::api::show))
        .route("/api/v1/cases/{id}/referrals", post(cases::api::refer))
        .route("/api/v1/referrals/{id}/response", post(cases::api::respond))
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/api/docs", get(api::docs));
    // Routes that take files: a larger body limit of their own (multipart).
    let uploads = Router::new()
        .route("/rete/organizzazioni/importa", post(network::import::upload))
        .route("/rete/protocolli/{id}/documenti", post(network::protocols::upload_document))
        .route("/censimento/questionari", post(census::forms::upload))
        .route("/censimento/campagne/nuova", post(census::create::create))
        .route("/censimento/campagne/{id}/importa", post(census::import::upload))
        .layer(axum::extract::DefaultBodyLimit::max(state.config.max_upload_bytes))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(state.config.max_upload_bytes));
    let limit = tower_http::limit::RequestBodyLimitLayer::new(state.config.max_body_bytes);
    Router::new()
        .merge(pages.layer(limit))
        .merge(api.layer(limit))
        .merge(uploads)
        .route("/healthz", get(pages::health::healthz))
        .route("/readyz", get(pages::health::readyz))
        .route("/static/{*path}", get(assets::serve))
        .fallback(pages::errors::not_found)
        // Innermost first: panics and oversized bodies become error responses that the request
        // context renders as pages; security headers go on everything, error pages included.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(middleware::panic_response))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf))
        .layer(axum::middleware::from_fn(middleware::request_context))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .with_state(state)
}
