//! The directory of organisations: list with filters, creation, a page per organisation with
//! its contacts, people, working groups and protocols; CSV export.

use super::form::{field, opt, pairs};
use super::{Choice, PlaceError, Tab, jurisdiction_input, jurisdiction_links, org_resource, place_suggestions, tabs};
use crate::AppState;
use crate::auth::{CurrentUser, audit_personal_read, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::network::OrgType;
use argine_domain::territory::Jurisdiction;
use argine_domain::territory::search::normalise;
use argine_storage::network::{self, NewPerson};
use argine_storage::orgs::{self, Contacts, NewOrganisation, Organisation};
use argine_storage::{StorageError, audit};
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

/// What the organisation form holds (kept as typed when it is sent back with an error).
#[derive(Default, Clone)]
pub struct OrgDraft {
    pub name: String,
    pub org_type: String,
    pub places: String,
    pub email: String,
    pub pec: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub ipa_code: String,
}

impl OrgDraft {
    fn from_pairs(p: &[(String, String)]) -> Self {
        Self {
            name: field(p, "name"),
            org_type: field(p, "org_type"),
            places: field(p, "places"),
            email: field(p, "email"),
            pec: field(p, "pec"),
            phone: field(p, "phone"),
            address: field(p, "address"),
            website: field(p, "website"),
            ipa_code: field(p, "ipa_code"),
        }
    }

    fn of(t: &crate::territory::Territory, tr: &Tr, o: &Organisation) -> Self {
        let c = &o.contacts;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            name: o.name.clone(),
            org_type: o.org_type.code().into(),
            places: jurisdiction_input(t, tr, &o.jurisdiction),
            email: s(&c.email),
            pec: s(&c.pec),
            phone: s(&c.phone),
            address: s(&c.address),
            website: s(&c.website),
            ipa_code: s(&c.ipa_code),
        }
    }

    fn contacts(&self) -> Contacts {
        let o = |v: &str| opt(v).map(str::to_owned);
        Contacts {
            email: o(&self.email),
            pec: o(&self.pec),
            phone: o(&self.phone),
            address: o(&self.address),
            website: o(&self.website),
            ipa_code: o(&self.ipa_code),
        }
        .normalised()
    }
}

/// A validated organisation, ready to store.
pub struct ValidOrg {
    pub name: String,
    pub org_type: OrgType,
    pub jurisdiction: Jurisdiction,
    pub contacts: Contacts,
}

/// What is wrong with an organisation's fields (shared by the form and the import).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgProblem {
    Name,
    Type(String),
    Place(PlaceError),
    Email(String),
    Phone(String),
    Website(String),
}

impl OrgProblem {
    pub fn message(&self, tr: &Tr) -> String {
        match self {
            Self::Name => tr.t("form-error-name"),
            Self::Type(v) => tr.t1("form-error-org-type-value", "value", v),
            Self::Place(e) => e.message(tr),
            Self::Email(v) => tr.t1("form-error-email-value", "value", v),
            Self::Phone(v) => tr.t1("form-error-phone", "value", v),
            Self::Website(v) => tr.t1("form-error-website", "value", v),
        }
    }
}

/// An organisation type from its code or its label in either language.
pub fn parse_org_type(v: &str) -> Option<OrgType> {
    let n = normalise(v);
    OrgType::from_code(v.trim()).or_else(|| {
        OrgType::ALL.iter().copied().find(|t| {
            normalise(t.code()) == n
                || [crate::i18n::Lang::It, crate::i18n::Lang::En]
                    .iter()
                    .any(|l| normalise(&Tr::new(*l).t(&t.label_key())) == n)
        })
    })
}

/// Checks every field; returns all problems, not only the first.
pub fn validate(t: &crate::territory::Territory, d: &OrgDraft) -> Result<ValidOrg, Vec<OrgProblem>> {
    let mut problems = Vec::new();
    let name = d.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(OrgProblem::Name);
    }
    let org_type = parse_org_type(&d.org_type);
    if org_type.is_none() {
        problems.push(OrgProblem::Type(d.org_type.clone()));
    }
    let jurisdiction = match super::resolve_places(t, &d.places) {
        Ok(j) => j,
        Err(e) => {
            problems.push(OrgProblem::Place(e));
            Jurisdiction::Nowhere
        }
    };
    for v in [&d.email, &d.pec].into_iter().filter(|v| !v.is_empty()) {
        if argine_domain::Email::parse(v).is_err() {
            problems.push(OrgProblem::Email(v.clone()));
        }
    }
    let phone_ok = |p: &str| {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        (6..=15).contains(&digits) && p.chars().all(|c| c.is_ascii_digit() || " +-./()".contains(c))
    };
    if !d.phone.is_empty() && !phone_ok(&d.phone) {
        problems.push(OrgProblem::Phone(d.phone.clone()));
    }
    if !(d.website.is_empty() || d.website.starts_with("https://") || d.website.starts_with("http://")) {
        problems.push(OrgProblem::Website(d.website.clone()));
    }
    match (problems.is_empty(), org_type) {
        (true, Some(org_type)) => Ok(ValidOrg { name, org_type, jurisdiction, contacts: d.contacts() }),
        _ => Err(problems),
    }
}

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub org_type: String,
    pub places: Vec<(String, String)>,
    pub pec: String,
}

#[derive(Template)]
#[template(path = "network/organisations.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    orgs: Vec<OrgRow>,
    count_text: String,
    q: String,
    types: Vec<Choice>,
    can_create: bool,
    can_import: bool,
    form: OrgDraft,
    form_types: Vec<Choice>,
    suggestions: Vec<String>,
    errors: Vec<String>,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    tipo: String,
}

fn type_choices(tr: &Tr, selected: &str) -> Vec<Choice> {
    Choice::list(OrgType::ALL, OrgType::code, |t| tr.t(&t.label_key()), selected)
}

#[expect(clippy::too_many_arguments, reason = "one page, many parts")]
async fn list_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    q: ListQuery,
    form: OrgDraft,
    errors: Vec<String>,
    message: Option<String>,
    status: axum::http::StatusCode,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let needle = normalise(&q.q);
    let all = orgs::list(&state.db).await?;
    let visible: Vec<&Organisation> = all
        .iter()
        .filter(|o| authorize(&user.actor, Action::ViewOrganisations, &org_resource(o)).is_allowed())
        .collect();
    let rows: Vec<OrgRow> = visible
        .iter()
        .filter(|o| needle.is_empty() || normalise(&o.name).contains(&needle))
        .filter(|o| q.tipo.is_empty() || o.org_type.code() == q.tipo)
        .map(|o| OrgRow {
            id: o.id,
            name: o.name.clone(),
            org_type: tr.t(&o.org_type.label_key()),
            places: jurisdiction_links(&t, &tr, &o.jurisdiction),
            pec: o.contacts.pec.clone().unwrap_or_default(),
        })
        .collect();
    // Can the user create an organisation somewhere inside their own jurisdiction?
    let new_here = Resource::Organisation { id: 0, jurisdiction: user.actor.jurisdiction.clone() };
    let can_create = user.actor.jurisdiction != Jurisdiction::Nowhere
        && authorize(&user.actor, Action::ManageOrganisations, &new_here).is_allowed();
    let mut res = render(ListPage {
        tabs: tabs(&tr, &ctx.path),
        count_text: tr.args("orgs-count", &[("shown", rows.len().to_string()), ("total", visible.len().to_string())]),
        types: type_choices(&tr, &q.tipo),
        form_types: type_choices(&tr, &form.org_type),
        suggestions: place_suggestions(&t),
        chrome: Chrome::for_user(state, ctx, user),
        orgs: rows,
        q: q.q,
        can_create,
        can_import: can_create,
        form,
        errors,
        message,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewOrganisations, &Resource::Organisations).await?;
    list_page(&state, &ctx, &user, q, OrgDraft::default(), Vec::new(), None, axum::http::StatusCode::OK).await
}

/// Appends the audit entry of a change, in the transaction of the change.
pub(crate) async fn audit_write(
    tx: &mut argine_storage::Tx,
    user: &CurrentUser,
    ctx: &RequestCtx,
    action: &str,
    record: (&str, i64),
    details: serde_json::Value,
) -> WebResult<()> {
    audit::append(
        tx,
        &audit::NewEntry {
            actor_user_id: Some(user.user.id),
            actor_label: user.label().to_owned(),
            action: action.into(),
            outcome: "ok".into(),
            record_type: record.0.into(),
            record_id: record.1.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: details.to_string(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOrganisations, &Resource::Organisations).await?;
    let tr = Tr::new(ctx.lang);
    let draft = OrgDraft::from_pairs(&pairs(&body));
    let unprocessable = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    let v = match validate(&state.territory(), &draft) {
        Ok(v) => v,
        Err(problems) => {
            let errors = problems.iter().map(|p| p.message(&tr)).collect();
            return list_page(&state, &ctx, &user, ListQuery::default(), draft, errors, None, unprocessable).await;
        }
    };
    check(
        &state,
        &ctx,
        &user.actor,
        user.label(),
        Action::ManageOrganisations,
        &Resource::Organisation { id: 0, jurisdiction: v.jurisdiction.clone() },
    )
    .await?;
    let mut tx = state.db.begin().await?;
    let new = NewOrganisation {
        name: &v.name,
        org_type: v.org_type,
        jurisdiction: &v.jurisdiction,
        contacts: v.contacts.clone(),
    };
    let id = match orgs::create(&mut tx, new).await {
        Ok(id) => id,
        Err(StorageError::Conflict(_)) => {
            drop(tx);
            let errors = vec![tr.t("form-error-org-taken")];
            return list_page(&state, &ctx, &user, ListQuery::default(), draft, errors, None, unprocessable).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit_write(&mut tx, &user, &ctx, "organisation.create", ("organisation", id), json!({"type": v.org_type.code()}))
        .await?;
    tx.commit().await.map_err(StorageError::from)?;
    state.invalidate_organisations();
    let msg = Some(tr.t1("org-created", "name", &v.name));
    list_page(
        &state,
        &ctx,
        &user,
        ListQuery::default(),
        OrgDraft::default(),
        Vec::new(),
        msg,
        axum::http::StatusCode::OK,
    )
    .await
}

pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
    pub active: bool,
}

pub struct LinkView {
    pub href: String,
    pub label: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "network/organisation.html")]
struct DetailPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    id: i64,
    name: String,
    org_type: String,
    places: Vec<(String, String)>,
    contacts: Contacts,
    can_see_people: bool,
    people: Vec<PersonView>,
    groups: Vec<LinkView>,
    protocols: Vec<LinkView>,
    can_edit: bool,
    form: OrgDraft,
    form_types: Vec<Choice>,
    suggestions: Vec<String>,
    person_name: String,
    person_role: String,
    person_email: String,
    person_phone: String,
    errors: Vec<String>,
    message: Option<String>,
}

async fn load(state: &AppState, id: i64) -> WebResult<Organisation> {
    let mut conn = state.db.pool().acquire().await?;
    orgs::get(&mut conn, id).await.map_err(|e| match e {
        StorageError::NotFound => WebError::NotFound,
        e => e.into(),
    })
}

#[derive(Default)]
struct PersonDraft {
    name: String,
    role: String,
    email: String,
    phone: String,
}

#[expect(clippy::too_many_arguments, reason = "one page, many parts")]
async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    o: &Organisation,
    form: Option<OrgDraft>,
    person: PersonDraft,
    errors: Vec<String>,
    message: Option<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let can_see_people = authorize(&user.actor, Action::ViewContacts, &org_resource(o)).is_allowed();
    let mut conn = state.db.pool().acquire().await?;
    let people = if can_see_people { network::people_of(&mut conn, o.id).await? } else { Vec::new() };
    let groups: Vec<LinkView> = network::groups(&mut conn)
        .await?
        .into_iter()
        .filter_map(|g| {
            let m = g.members.iter().find(|m| m.org_id == o.id)?;
            authorize(&user.actor, Action::ViewGroups, &super::group_resource(&g)).is_allowed().then(|| LinkView {
                href: format!("/rete/gruppi/{}", g.id),
                label: g.name.clone(),
                note: tr.t(&m.role.label_key()),
            })
        })
        .collect();
    let protocols = network::protocols(&mut conn)
        .await?
        .into_iter()
        .filter_map(|p| {
            let party = p.parties.iter().find(|x| x.org_id == o.id)?;
            Some(LinkView {
                href: format!("/rete/protocolli/{}", p.id),
                label: p.title.clone(),
                note: tr.t(&party.role.label_key()),
            })
        })
        .collect();
    drop(conn);
    if !people.is_empty() {
        audit_personal_read(
            state,
            ctx,
            (user.user.id, user.label()),
            ("network_people", o.id.to_string()),
            json!({"people": people.len()}),
        )
        .await?;
    }
    let can_edit = authorize(&user.actor, Action::ManageOrganisations, &org_resource(o)).is_allowed();
    let form = form.unwrap_or_else(|| OrgDraft::of(&t, &tr, o));
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(DetailPage {
        tabs: tabs(&tr, &ctx.path),
        id: o.id,
        name: o.name.clone(),
        org_type: tr.t(&o.org_type.label_key()),
        places: jurisdiction_links(&t, &tr, &o.jurisdiction),
        contacts: o.contacts.clone(),
        can_see_people,
        people: people
            .into_iter()
            .map(|p| PersonView {
                id: p.id,
                active: p.is_active(),
                name: p.full_name,
                role: p.role_title,
                email: p.email.unwrap_or_default(),
                phone: p.phone.unwrap_or_default(),
            })
            .collect(),
        groups,
        protocols,
        can_edit,
        form_types: type_choices(&tr, &form.org_type),
        form,
        suggestions: place_suggestions(&t),
        person_name: person.name,
        person_role: person.role,
        person_email: person.email,
        person_phone: person.phone,
        chrome: Chrome::for_user(state, ctx, user),
        errors,
        message,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let o = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewOrganisations, &org_resource(&o)).await?;
    detail_page(&state, &ctx, &user, &o, None, PersonDraft::default(), Vec::new(), None).await
}

/// One form endpoint per organisation, `op` saying what to do: `update`, `add_person`,
/// `person_off`, `person_on`.
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let o = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageOrganisations, &org_resource(&o)).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    match field(&p, "op").as_str() {
        "update" => {
            let draft = OrgDraft::from_pairs(&p);
            let v = match validate(&state.territory(), &draft) {
                Ok(v) => v,
                Err(problems) => {
                    let errors = problems.iter().map(|x| x.message(&tr)).collect();
                    return detail_page(&state, &ctx, &user, &o, Some(draft), PersonDraft::default(), errors, None)
                        .await;
                }
            };
            // The new jurisdiction must be inside the editor's too.
            check(
                &state,
                &ctx,
                &user.actor,
                user.label(),
                Action::ManageOrganisations,
                &Resource::Organisation { id, jurisdiction: v.jurisdiction.clone() },
            )
            .await?;
            let mut tx = state.db.begin().await?;
            let new = NewOrganisation {
                name: &v.name,
                org_type: v.org_type,
                jurisdiction: &v.jurisdiction,
                contacts: v.contacts.clone(),
            };
            match orgs::update(&mut tx, id, new).await {
                Ok(()) => {}
                Err(StorageError::Conflict(_)) => {
                    drop(tx);
                    let errors = vec![tr.t("form-error-org-taken")];
                    return detail_page(&state, &ctx, &user, &o, Some(draft), PersonDraft::default(), errors, None)
                        .await;
                }
                Err(e) => return Err(e.into()),
            }
            audit_write(&mut tx, &user, &ctx, "organisation.update", ("organisation", id), json!({})).await?;
            tx.commit().await.map_err(StorageError::from)?;
            state.invalidate_organisations();
            let o = load(&state, id).await?;
            let msg = Some(tr.t("saved"));
            detail_page(&state, &ctx, &user, &o, None, PersonDraft::default(), Vec::new(), msg).await
        }
        "add_person" => {
            let d = PersonDraft {
                name: field(&p, "person_name"),
                role: field(&p, "person_role"),
                email: field(&p, "person_email"),
                phone: field(&p, "person_phone"),
            };
            let mut errors = Vec::new();
            if d.name.is_empty() || d.name.chars().count() > 200 {
                errors.push(tr.t("form-error-person-name"));
            }
            if !d.email.is_empty() && argine_domain::Email::parse(&d.email).is_err() {
                errors.push(tr.t1("form-error-email-value", "value", &d.email));
            }
            if !errors.is_empty() {
                return detail_page(&state, &ctx, &user, &o, None, d, errors, None).await;
            }
            let mut tx = state.db.begin().await?;
            let pid = network::add_person(
                &mut tx,
                &NewPerson {
                    org_id: id,
                    full_name: &d.name,
                    role_title: &d.role,
                    email: opt(&d.email),
                    phone: opt(&d.phone),
                },
            )
            .await?;
            audit_write(&mut tx, &user, &ctx, "network_person.create", ("network_person", pid), json!({"org": id}))
                .await?;
            tx.commit().await.map_err(StorageError::from)?;
            let msg = Some(tr.t1("person-added", "name", &d.name));
            detail_page(&state, &ctx, &user, &o, None, PersonDraft::default(), Vec::new(), msg).await
        }
        op @ ("person_off" | "person_on") => {
            let pid: i64 = field(&p, "person").parse().map_err(|_| WebError::BadRequest("person"))?;
            let mut tx = state.db.begin().await?;
            network::set_person_active(&mut tx, id, pid, op == "person_on").await.map_err(|e| match e {
                StorageError::NotFound => WebError::NotFound,
                e => e.into(),
            })?;
            audit_write(&mut tx, &user, &ctx, &format!("network_person.{op}"), ("network_person", pid), json!({}))
                .await?;
            tx.commit().await.map_err(StorageError::from)?;
            Ok(Redirect::to(&format!("/rete/organizzazioni/{id}#persone")).into_response())
        }
        _ => Err(WebError::BadRequest("op")),
    }
}

/// The directory as CSV (UTF-8 with BOM and `;`, as Excel in Italy expects), in the columns the
/// import reads, so a file can be exported, corrected and imported again.
pub async fn export_csv(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewOrganisations, &Resource::Organisations).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut rows = vec![super::import::COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    for o in orgs::list(&state.db).await? {
        if !authorize(&user.actor, Action::ViewOrganisations, &org_resource(&o)).is_allowed() {
            continue;
        }
        let c = &o.contacts;
        let s = |v: &Option<String>| argine_domain::sheet::safe_cell(v.as_deref().unwrap_or(""));
        rows.push(vec![
            argine_domain::sheet::safe_cell(&o.name),
            o.org_type.code().to_owned(),
            jurisdiction_input(&t, &tr, &o.jurisdiction),
            s(&c.pec),
            s(&c.email),
            s(&c.phone),
            s(&c.address),
            s(&c.website),
            s(&c.ipa_code),
        ]);
    }
    crate::download::table(crate::download::TableFormat::Csv, "organizzazioni", "organizzazioni", rows)
}
