//! `/api/v1`: JSON over personal access tokens, described by OpenAPI 3.1. Every route asks the
//! same `authorize` as the pages; errors are RFC 9457 problems (rendered by the middleware).

use crate::AppState;
use crate::auth::{ApiUser, check};
use crate::error::WebResult;
use crate::middleware::{Rendered, RequestCtx};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "argine API", version = "1", description = "API of argine: the network against caporalato. Authenticate with `Authorization: Bearer <token>` (personal access tokens are created on the account page)."),
    paths(
        me,
        organisations,
        crate::network::api::organisation,
        crate::network::api::protocols,
        crate::network::api::protocol,
        crate::network::api::groups,
        crate::network::api::group,
        crate::network::api::group_calendar,
        crate::census::api::forms,
        crate::census::api::form_version,
        crate::census::api::campaigns,
        crate::census::api::campaign_summary,
        crate::census::api::campaign_responses,
        crate::territory::api::summary,
        crate::territory::api::search,
        crate::territory::api::comune,
        crate::territory::api::boundaries,
        crate::territory::api::indicators,
        crate::settlements::api_summary,
        crate::settlements::api_list,
        crate::priority::api::indicators,
        crate::priority::api::scores,
        crate::priority::api::allocations,
        crate::outreach::api::services,
        crate::outreach::api::teams,
        crate::outreach::api::list_sessions,
        crate::outreach::api::create_session,
        crate::cases::api::list,
        crate::cases::api::show,
        crate::cases::api::create,
        crate::cases::api::refer,
        crate::cases::api::respond,
        crate::cases::indicators::api
    ),
    components(schemas(
        Me,
        OrganisationOut,
        Problem,
        crate::network::api::OrganisationDetailOut,
        crate::network::api::PersonOut,
        crate::network::api::ProtocolOut,
        crate::network::api::PartyOut,
        crate::network::api::GroupOut,
        crate::network::api::MemberOut,
        crate::network::api::MeetingOut,
        crate::network::api::DecisionOut,
        crate::census::api::FormOut,
        crate::census::api::FormVersionOut,
        crate::census::api::FormDefinitionOut,
        crate::census::api::CampaignOut,
        crate::census::api::CampaignSummaryOut,
        crate::census::api::RegionProgressOut,
        crate::census::api::ResponsesPageOut,
        crate::census::export::JsonResponse,
        crate::priority::api::IndicatorsOut,
        crate::priority::api::TerritoryOut,
        crate::priority::api::ScoresOut,
        crate::priority::api::ScoreOut,
        crate::priority::api::SensitivityOut,
        crate::priority::api::AllocationIn,
        crate::priority::api::RecipientIn,
        crate::priority::api::SelectionIn,
        crate::priority::api::FactorsIn,
        crate::priority::api::AllocationOut,
        crate::priority::api::ShareOut,
        crate::cases::api::CaseProblem,
        crate::cases::api::FieldError,
        crate::cases::api::CaseLineOut,
        crate::cases::api::CaseOut,
        crate::cases::api::PersonOut,
        crate::cases::api::DocumentOut,
        crate::cases::api::ConsentOut,
        crate::cases::api::ReferralOut,
        crate::cases::api::EventOut,
        crate::cases::api::CaseIn,
        crate::cases::api::CreatedOut,
        crate::cases::api::ReferralIn,
        crate::cases::api::ReferralCreatedOut,
        crate::cases::api::ResponseIn,
        crate::cases::api::ResponseOut,
        crate::cases::indicators::IndicatorsOut,
        crate::cases::indicators::CountOut,
        crate::cases::indicators::TableOut,
        crate::cases::indicators::DaysOut
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// RFC 9457 problem details.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[schema(example = "https://argine.invalid/problems/error-403")]
    r#type: String,
    title: String,
    status: u16,
    detail: String,
    instance: String,
    request_id: String,
}

/// Whose token this is.
#[derive(Serialize, ToSchema)]
pub struct Me {
    id: i64,
    email: String,
    display_name: String,
    organisation_id: i64,
    organisation: String,
    roles: Vec<String>,
    token_scope: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    let res = Resource::User { id: user.user.id, org_id: user.org.id, org_jurisdiction: user.org.jurisdiction.clone() };
    check(&state, &ctx, &user.actor, &user.user.email, Action::ManageOwnAccount, &res).await.or_else(|_| {
        // Reading one's own identity needs no write scope: fall back to the read-only grant.
        if authorize(&user.actor, Action::ViewDashboard, &Resource::System).is_allowed() {
            Ok(())
        } else {
            Err(crate::error::WebError::Forbidden)
        }
    })?;
    let out = Me {
        id: user.user.id,
        email: user.user.email.clone(),
        display_name: user.user.display_name.clone(),
        organisation_id: user.org.id,
        organisation: user.org.name.clone(),
        roles: user.user.roles.iter().map(|r| r.code().to_owned()).collect(),
        token_scope: user.actor.token_scope.map(|s| s.code().to_owned()).unwrap_or_default(),
    };
    Ok(json(out))
}

/// An organisation of the network.
#[derive(Serialize, ToSchema)]
pub struct OrganisationOut {
    id: i64,
    name: String,
    #[schema(example = "prefettura")]
    org_type: String,
    national: bool,
    /// Units such as `provincia:020`, `comune:020030`.
    jurisdiction: Vec<String>,
    email: Option<String>,
    pec: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/organisations", tag = "network",
    responses((status = 200, body = [OrganisationOut]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn organisations(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewOrganisations, &Resource::Organisations).await?;
    let out: Vec<OrganisationOut> = argine_storage::orgs::list(&state.db)
        .await?
        .into_iter()
        .filter(|o| {
            authorize(
                &user.actor,
                Action::ViewOrganisations,
                &Resource::Organisation { id: o.id, jurisdiction: o.jurisdiction.clone() },
            )
            .is_allowed()
        })
        .map(|o| OrganisationOut {
            id: o.id,
            name: o.name,
            org_type: o.org_type.code().to_owned(),
            national: o.jurisdiction == Jurisdiction::National,
            jurisdiction: match o.jurisdiction {
                Jurisdiction::Units(u) => u.iter().map(TerritoryUnit::to_key).collect(),
                _ => Vec::new(),
            },
            email: o.contacts.email,
            pec: o.contacts.pec,
        })
        .collect();
    Ok(json(out))
}

pub fn json<T: Serialize>(v: T) -> Response {
    let mut res = Json(v).into_response();
    res.extensions_mut().insert(Rendered);
    res
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub async fn openapi_json() -> Response {
    json(openapi())
}

/// Swagger UI served from the binary, pointed at the local spec.
pub async fn docs() -> Response {
    let mut res = Html(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>argine API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><main><h1 class="visually-hidden">argine API</h1><div id="swagger-ui" data-spec="/api/v1/openapi.json"></div></main>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/argine/swagger-init.js"></script></body></html>"#,
    )
    .into_response();
    res.extensions_mut().insert(Rendered);
    res
}
