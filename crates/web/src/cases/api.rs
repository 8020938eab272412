//! `/api/v1/cases`, `/api/v1/referrals`: case work over API tokens, under the same access rules
//! as the pages. A person's fields are decrypted only by [`vault::read_person`], which audits the
//! read first; a name search goes through the blind index (the name is never compared in plain
//! text); changes go through [`ops`], which the pages call too.

use super::ops::{self, Refused};
use super::vault::{self, Who};
use crate::AppState;
use crate::api::{Problem, json};
use crate::auth::{ApiUser, check};
use crate::error::{WebError, WebResult};
use crate::middleware::{Rendered, RequestCtx};
use argine_domain::access::{Action, Resource};
use argine_domain::cases::consent::Gap;
use argine_domain::cases::identity::{Document, Identity};
use argine_domain::cases::{AgeBand, FieldGroup, ResidenceStatus, Sex, Stage, age_band};
use argine_storage::cases::{self as store, CaseFilter, PersonAttributes};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest page of the case list.
pub const MAX_LIMIT: i64 = 200;

fn today() -> time::Date {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date()
}

/// A 422 (invalid fields) or 409 (state, consent) problem with the codes of what is wrong.
#[derive(Serialize, ToSchema)]
pub struct CaseProblem {
    r#type: String,
    title: String,
    status: u16,
    /// Fluent message id of the whole refusal, e.g. `consent-gap-fields`, `case-invalid`.
    code: String,
    /// The fields that are wrong, each with its Fluent message id.
    errors: Vec<FieldError>,
    /// For a consent gap on fields: the field groups the consent does not share.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    missing_fields: Vec<String>,
    request_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    field: String,
    #[schema(example = "identity-problem-no-name")]
    code: String,
}

fn problem(
    ctx: &RequestCtx,
    status: StatusCode,
    code: &str,
    errors: Vec<FieldError>,
    missing: Vec<String>,
) -> Response {
    let body = CaseProblem {
        r#type: format!("https://argine.invalid/problems/{code}"),
        title: status.canonical_reason().unwrap_or("error").to_owned(),
        status: status.as_u16(),
        code: code.to_owned(),
        errors,
        missing_fields: missing,
        request_id: ctx.request_id.clone(),
    };
    let mut res =
        (status, [(axum::http::header::CONTENT_TYPE, "application/problem+json")], axum::Json(body)).into_response();
    res.extensions_mut().insert(Rendered);
    res
}

fn refused(ctx: &RequestCtx, r: Refused) -> Response {
    match r {
        Refused::Consent(gap) => {
            let missing = match &gap {
                Gap::Fields(f) => f.iter().map(|f| f.code().to_owned()).collect(),
                _ => Vec::new(),
            };
            problem(ctx, StatusCode::CONFLICT, &format!("consent-gap-{}", gap.code()), Vec::new(), missing)
        }
        Refused::Invalid(field, code) => problem(
            ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
            vec![FieldError { field: field.into(), code: code.into() }],
            Vec::new(),
        ),
        Refused::State(code) => problem(ctx, StatusCode::CONFLICT, code, Vec::new(), Vec::new()),
    }
}

// --- The list ---

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A stage code (`contact`, `preliminary`, `formal`, `protection`, `assistance`, `closed`).
    stage: Option<String>,
    /// A pseudonymous code or its beginning, e.g. `AR-7K`.
    code: Option<String>,
    /// A name (given, family or known-as): matched through the blind index of the caller's
    /// organisation, exact after normalisation (accents, case, word order), never in plain text.
    name: Option<String>,
    /// At most 200 (default 50).
    limit: Option<i64>,
    offset: Option<i64>,
}

/// One case of the list: codes and dates, nothing personal.
#[derive(Serialize, ToSchema)]
pub struct CaseLineOut {
    id: i64,
    #[schema(example = "AR-7K3Q-X9TA")]
    code: String,
    /// Whether the caller's organisation owns the case (otherwise it was referred to it).
    owned: bool,
    stage: String,
    outcome: Option<String>,
    /// ISTAT code of the Comune where the person was met.
    comune_code: String,
    /// Unix seconds.
    opened_at: i64,
    updated_at: i64,
    /// Referrals to the caller's organisation waiting for an answer.
    pending_referrals: i64,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListQuery),
    responses((status = 200, body = [CaseLineOut]), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCases, &Resource::Cases).await?;
    let stage = match q.stage.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(Stage::from_code(s).ok_or(WebError::BadRequest("case-stage-invalid"))?.code().to_owned()),
        None => None,
    };
    let mut conn = state.db.pool().acquire().await?;
    let persons = match q.name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => match vault::indexer(&state)?.name_token(name) {
            Some(t) => Some(store::persons_by_digest(&mut conn, user.actor.org_id, t.kind.code(), &t.digest).await?),
            None => Some(Vec::new()),
        },
        None => None,
    };
    let filter = CaseFilter {
        org: user.actor.org_id,
        stage,
        code: q.code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
        persons,
        limit: q.limit.unwrap_or(50).clamp(1, MAX_LIMIT),
        offset: q.offset.unwrap_or(0).max(0),
        plan: Default::default(),
    };
    let lines = store::list_cases(&mut conn, &filter).await?;
    let lines = vault::visible_lines(&mut conn, &state.territory(), &user.actor, lines).await?;
    drop(conn);
    let out: Vec<CaseLineOut> = lines
        .into_iter()
        .map(|line| CaseLineOut {
            id: line.id,
            owned: line.owner_org == user.actor.org_id,
            code: line.code,
            stage: line.stage,
            outcome: line.outcome,
            comune_code: line.comune_code,
            opened_at: line.opened_at,
            updated_at: line.updated_at,
            pending_referrals: line.pending_to_me,
        })
        .collect();
    Ok(json(out))
}

// --- One case ---

/// A person's fields the caller may see: a group not shared with the caller is absent, and
/// listed in neither `fields` nor the values.
#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    id: i64,
    code: String,
    /// The field groups the caller may see.
    fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_names: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    known_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<Vec<DocumentOut>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    residence_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permit_expiry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    employer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conditions: Option<String>,
    sex: String,
    age_band: String,
    /// ISO 3166-1 alpha-3.
    nationality: String,
    /// ISO 639 codes, comma separated.
    languages: String,
    anonymised: bool,
}

#[derive(Serialize, Deserialize, ToSchema, Default, Clone)]
pub struct DocumentOut {
    /// `passport`, `id_card`, `permit`, `other`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    expiry: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentOut {
    id: i64,
    purposes: Vec<String>,
    fields: Vec<String>,
    recipients: Vec<i64>,
    language: String,
    /// The mediator who explained it: for the owner organisation only.
    #[serde(skip_serializing_if = "Option::is_none")]
    mediator: Option<String>,
    given_on: String,
    withdrawn: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ReferralOut {
    id: i64,
    from_org: i64,
    to_org: i64,
    service_id: Option<i64>,
    consent_id: i64,
    fields: Vec<String>,
    status: String,
    due_on: String,
    /// Why the person was referred (sealed with the person's key; empty once anonymised).
    reason: String,
    /// The receiving organisation's answer.
    response: String,
    created_at: i64,
    responded_at: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    at: i64,
    org_id: Option<i64>,
    #[schema(example = "referral_accepted")]
    kind: String,
    /// Codes and ids only.
    #[schema(value_type = Object)]
    detail: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    id: i64,
    owner_org: i64,
    stage: String,
    outcome: Option<String>,
    formal_outcome: Option<String>,
    comune_code: String,
    opened_at: i64,
    closed_at: Option<i64>,
    close_reason: Option<String>,
    person: PersonOut,
    consents: Vec<ConsentOut>,
    /// All referrals for the owner organisation; those addressed to it for another.
    referrals: Vec<ReferralOut>,
    timeline: Vec<EventOut>,
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = CaseOut, description = "The read of the person's fields is in the audit log (`person.read`)"),
              (status = 401, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, &user.user.email, Action::ViewCase, &l.resource()).await?;
    let who = Who::from(&user);
    let view = vault::read_person(&state, &ctx, &who, &l, "api").await?;
    let owner = l.case.owner_org == user.actor.org_id;
    let sees = |f| view.sees(f);
    let names = sees(FieldGroup::Names);
    let i = &view.identity;
    let residence = sees(FieldGroup::Residence);
    let employment = sees(FieldGroup::Employment);
    let person = PersonOut {
        id: l.person.id,
        code: l.person.code.clone(),
        fields: view.fields.iter().map(|f| f.code().to_owned()).collect(),
        given_names: names.then(|| i.given_names.clone()),
        family_name: names.then(|| i.family_name.clone()),
        known_as: names.then(|| i.known_as.clone()),
        birth_date: if sees(FieldGroup::BirthDate) { i.birth_date.clone() } else { None },
        phone: sees(FieldGroup::Phone).then(|| i.phone.clone()),
        documents: sees(FieldGroup::Documents).then(|| {
            i.documents
                .iter()
                .map(|d| DocumentOut { kind: d.kind.clone(), number: d.number.clone(), expiry: d.expiry.clone() })
                .collect()
        }),
        residence_status: residence.then(|| l.person.residence_status.clone()),
        permit_expiry: if residence { l.person.permit_expiry.clone() } else { None },
        sector: employment.then(|| l.person.sector.clone()),
        employer: employment.then(|| view.employment.employer.clone()),
        conditions: employment.then(|| view.employment.conditions.clone()),
        sex: l.person.sex.clone(),
        age_band: l.person.age_band.clone(),
        nationality: l.person.nationality.clone(),
        languages: l.person.languages.clone(),
        anonymised: l.is_anonymised(),
    };
    let consents = l
        .consents
        .iter()
        .map(|c| ConsentOut {
            id: c.id,
            purposes: c.purposes.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            fields: c.fields.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            recipients: c.recipient_ids(),
            language: c.language.clone(),
            mediator: owner.then(|| c.mediator.clone()),
            given_on: c.given_on.clone(),
            withdrawn: c.withdrawn_at.is_some(),
        })
        .collect();
    let key = vault::data_key(&state, &l.person)?;
    let text = |ct: &str, column: &str, id: i64| -> WebResult<String> {
        match &key {
            Some(k) => vault::open_text(k, ct, &vault::aad(column, id)),
            None => Ok(String::new()),
        }
    };
    let referrals = l
        .referrals
        .iter()
        .filter(|r| owner || r.to_org == user.actor.org_id)
        .map(|r| {
            Ok(ReferralOut {
                id: r.id,
                from_org: r.from_org,
                to_org: r.to_org,
                service_id: r.service_id,
                consent_id: r.consent_id,
                fields: r.fields.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                status: r.status.clone(),
                due_on: r.due_on.clone(),
                reason: text(&r.reason_ct, "referrals.reason", r.id)?,
                response: text(&r.response_ct, "referrals.response", r.id)?,
                created_at: r.created_at,
                responded_at: r.responded_at,
            })
        })
        .collect::<WebResult<Vec<_>>>()?;
    let mut conn = state.db.pool().acquire().await?;
    let timeline = store::events(&mut conn, l.case.id)
        .await?
        .into_iter()
        .map(|e| EventOut {
            at: e.at,
            org_id: e.org_id,
            kind: e.kind,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(json(CaseOut {
        id: l.case.id,
        owner_org: l.case.owner_org,
        stage: l.case.stage.clone(),
        outcome: l.case.outcome.clone(),
        formal_outcome: l.case.formal_outcome.clone(),
        comune_code: l.case.comune_code.clone(),
        opened_at: l.case.opened_at,
        closed_at: l.case.closed_at,
        close_reason: l.case.close_reason.clone(),
        person,
        consents,
        referrals,
        timeline,
    }))
}

// --- Opening a case ---

/// A person met and their new case. Every field may be left out except a name (given, family
/// or known-as) and the Comune.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CaseIn {
    given_names: String,
    family_name: String,
    known_as: String,
    /// YYYY-MM-DD; the age band is derived from it when given.
    birth_date: Option<String>,
    phone: String,
    documents: Vec<DocumentOut>,
    /// `f`, `m`, `x`, `unknown` (default).
    sex: String,
    /// Used when there is no birth date: `u18`, `18_24`, `25_34`, `35_49`, `50`, `unknown`.
    age_band: String,
    /// ISO 3166-1 alpha-3.
    nationality: String,
    /// ISO 639 codes, comma separated.
    languages: String,
    residence_status: String,
    permit_expiry: Option<String>,
    sector: String,
    employer: String,
    conditions: String,
    /// ISTAT code of the Comune where the person was met.
    comune_code: String,
    outreach_session: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedOut {
    id: i64,
    person_id: i64,
    code: String,
}

/// Checks a new case as typed: the identity's own checks, then the coded attributes.
fn parse_case(input: CaseIn, state: &AppState) -> Result<vault::NewPerson, Vec<FieldError>> {
    let today = today();
    let mut identity = Identity {
        given_names: input.given_names,
        family_name: input.family_name,
        known_as: input.known_as,
        birth_date: input.birth_date,
        phone: input.phone,
        documents: input
            .documents
            .into_iter()
            .map(|d| Document { kind: d.kind.trim().to_owned(), number: d.number, expiry: d.expiry })
            .collect(),
    };
    let mut errors: Vec<FieldError> = identity
        .normalise_and_check(today)
        .into_iter()
        .map(|(field, p)| FieldError { field: field.into(), code: format!("identity-problem-{}", p.code()) })
        .collect();
    let mut err = |field: &str, code: &str| errors.push(FieldError { field: field.into(), code: code.into() });
    let code_or = |s: &str, default: &'static str| {
        let s = s.trim();
        if s.is_empty() { default.to_owned() } else { s.to_owned() }
    };
    let sex = code_or(&input.sex, Sex::Unknown.code());
    if Sex::from_code(&sex).is_none() {
        err("sex", "case-sex-invalid");
    }
    let band = match identity.age_on(today) {
        Some(age) => age_band(Some(age)).code().to_owned(),
        None => code_or(&input.age_band, AgeBand::Unknown.code()),
    };
    if AgeBand::from_code(&band).is_none() {
        err("age_band", "case-age-band-invalid");
    }
    let residence = code_or(&input.residence_status, ResidenceStatus::Unknown.code());
    if ResidenceStatus::from_code(&residence).is_none() {
        err("residence_status", "case-residence-invalid");
    }
    let permit_expiry = input.permit_expiry.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if permit_expiry.as_deref().is_some_and(|d| argine_domain::cases::identity::parse_date(d).is_none()) {
        err("permit_expiry", "case-permit-expiry-invalid");
    }
    let nationality = input.nationality.trim().to_ascii_uppercase();
    if !(nationality.is_empty() || (nationality.len() == 3 && nationality.chars().all(|c| c.is_ascii_uppercase()))) {
        err("nationality", "case-nationality-invalid");
    }
    let comune = match state.territory().resolve(&input.comune_code) {
        Some(r) if !input.comune_code.trim().is_empty() => r.current.istat.clone(),
        _ => {
            err("comune_code", "case-comune-unknown");
            String::new()
        }
    };
    for (field, v) in [("sector", &input.sector), ("languages", &input.languages)] {
        if v.chars().count() > 200 {
            err(field, "identity-problem-too-long");
        }
    }
    for (field, v) in [("employer", &input.employer), ("conditions", &input.conditions)] {
        if v.chars().count() > ops::MAX_REASON {
            err(field, "identity-problem-too-long");
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(vault::NewPerson {
        identity,
        employment: vault::Employment {
            employer: input.employer.trim().into(),
            conditions: input.conditions.trim().into(),
        },
        attributes: PersonAttributes {
            sex,
            age_band: band,
            nationality,
            languages: input.languages.trim().to_owned(),
            residence_status: residence,
            permit_expiry,
            sector: input.sector.trim().to_owned(),
            comune_code: comune,
        },
        outreach_session: input.outreach_session,
    })
}

#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseIn,
    responses((status = 201, body = CreatedOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = CaseProblem, content_type = "application/problem+json")))]
pub async fn create(State(state): State<AppState>, ctx: RequestCtx, user: ApiUser, body: Bytes) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, &user.user.email, Action::ManageCase, &Resource::Cases).await?;
    let input: CaseIn = serde_json::from_slice(&body).map_err(|_| WebError::BadRequest("case-body-invalid"))?;
    let new = match parse_case(input, &state) {
        Ok(n) => n,
        Err(errors) => return Ok(problem(&ctx, StatusCode::UNPROCESSABLE_ENTITY, "case-invalid", errors, Vec::new())),
    };
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let (person_id, id, code) = vault::create_person(&state, &mut tx, &ctx, &who, user.actor.org_id, &new).await?;
    tx.commit().await?;
    let mut res = json(CreatedOut { id, person_id, code });
    *res.status_mut() = StatusCode::CREATED;
    Ok(res)
}

// --- Referrals ---

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReferralIn {
    /// The receiving organisation.
    to_org: i64,
    service_id: Option<i64>,
    /// Field group codes to share (`names`, `birth_date`, `phone`, `documents`, `residence`,
    /// `employment`, `assessment`, `notes`); each must be in the consent.
    fields: Vec<String>,
    reason: String,
    /// YYYY-MM-DD.
    due_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReferralCreatedOut {
    id: i64,
    case_id: i64,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", tag = "cases", params(("id" = i64, Path, description = "Case id")),
    request_body = ReferralIn,
    responses((status = 201, body = ReferralCreatedOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = CaseProblem, description = "Not covered by a consent (`consent-gap-<code>`) or the case is closed", content_type = "application/problem+json"),
              (status = 422, body = CaseProblem, content_type = "application/problem+json")))]
pub async fn refer(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, &user.user.email, Action::ManageCase, &l.resource()).await?;
    let input: ReferralIn = serde_json::from_slice(&body).map_err(|_| WebError::BadRequest("case-body-invalid"))?;
    let fields = match FieldGroup::parse_list(&input.fields.join(",")) {
        Ok(f) => f,
        Err(_) => return Ok(refused(&ctx, Refused::Invalid("fields", "referral-fields-invalid"))),
    };
    let r = ops::Referral {
        to_org: input.to_org,
        service: input.service_id,
        fields,
        reason: input.reason,
        due_on: input.due_on,
    };
    match ops::refer(&state, &ctx, &Who::from(&user), &l, &r).await? {
        Ok(referral) => {
            let mut res = json(ReferralCreatedOut { id: referral, case_id: l.case.id });
            *res.status_mut() = StatusCode::CREATED;
            Ok(res)
        }
        Err(r) => Ok(refused(&ctx, r)),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResponseIn {
    /// `accept` or `decline`.
    decision: String,
    /// Required to decline.
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct ResponseOut {
    referral_id: i64,
    case_id: i64,
    status: String,
}

#[utoipa::path(post, path = "/api/v1/referrals/{id}/response", tag = "cases", params(("id" = i64, Path, description = "Referral id")),
    request_body = ResponseIn,
    responses((status = 200, body = ResponseOut), (status = 400, body = Problem, content_type = "application/problem+json"),
              (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = CaseProblem, description = "No longer pending", content_type = "application/problem+json"),
              (status = 422, body = CaseProblem, content_type = "application/problem+json")))]
pub async fn respond(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: ApiUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> WebResult<Response> {
    let input: ResponseIn = serde_json::from_slice(&body).unwrap_or_default();
    let decision = ops::Decision::from_code(input.decision.trim());
    match ops::respond(&state, &ctx, &Who::from(&user), id, decision, &input.reason).await? {
        Ok(case_id) => Ok(json(ResponseOut {
            referral_id: id,
            case_id,
            status: match decision {
                Some(ops::Decision::Accept) => "accepted".into(),
                _ => "declined".into(),
            },
        })),
        Err(r) => Ok(refused(&ctx, r)),
    }
}
