//! The case pages: the list of one's team's cases, a new person and case, the case page with
//! the person's fields (those the reader may see, audited), consents, assessments, referrals
//! and their answers, the stage, and the timeline across agencies.

use super::vault::{self, Employment, Loaded, NewPerson, Who};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::network::form::{Posted, field, fields, pairs};
use crate::pages::{Chrome, render};
use crate::territory::Territory;
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::cases::checklist::{self, Answer, Assessment, ItemAnswer};
use argine_domain::cases::consent::{self, Purpose};
use argine_domain::cases::identity::{Document, Identity};
use argine_domain::cases::{
    self as domain, AgeBand, CloseReason, EvidenceSource, FieldGroup, Outcome, ReferralStatus, ResidenceStatus, Sex,
    Stage,
};
use argine_storage::cases::{self as store, CaseFilter, NewConsent, PersonAttributes};
use argine_storage::orgs;
use askama::Template;
use axum::extract::{Path, Query, RawForm, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// Sectors of work (codes of the census and of the outreach counts).
pub const SECTORS: [&str; 6] = ["agriculture", "construction", "logistics", "care", "manufacturing", "other"];

fn today() -> time::Date {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date()
}

fn unprocessable(mut res: Response) -> Response {
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    res
}

/// Organisation names by id (for the timeline and the referral lists).
async fn org_names(state: &AppState) -> WebResult<HashMap<i64, String>> {
    Ok(orgs::list(&state.db).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

fn comune_name(t: &Territory, code: &str) -> String {
    t.resolve(code).map(|r| r.current.name.clone()).unwrap_or_else(|| code.to_owned())
}

/// An ISTAT code or a Comune's exact name → its ISTAT code.
fn comune_code(t: &Territory, typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    if let Some(r) = t.resolve(typed) {
        return Some(r.current.istat.clone());
    }
    let wanted = argine_domain::territory::search::normalise(typed);
    t.search(typed, 5)
        .into_iter()
        .find(|(c, _)| argine_domain::territory::search::normalise(&c.name) == wanted)
        .map(|(c, _)| c.istat.clone())
}

// --- List ---

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    stato: String,
    #[serde(default)]
    codice: String,
    #[serde(default)]
    nome: String,
}

pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub stage: String,
    pub outcome: String,
    pub comune: String,
    pub owner: String,
    pub own: bool,
    pub updated: String,
    pub pending_to_me: i64,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ListRow>,
    stages: Vec<(&'static str, String)>,
    q_stage: String,
    q_code: String,
    q_name: String,
    can_create: bool,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCases, &Resource::Cases).await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    let persons = match q.nome.trim() {
        "" => None,
        name => match vault::indexer(&state)?.name_token(name) {
            Some(tok) => Some(store::persons_by_digest(&mut conn, user.org.id, tok.kind.code(), &tok.digest).await?),
            None => Some(Vec::new()),
        },
    };
    let filter = CaseFilter {
        org: user.org.id,
        stage: Stage::from_code(&q.stato).map(|s| s.code().to_owned()),
        code: Some(q.codice.trim().to_owned()).filter(|c| !c.is_empty()),
        persons,
        limit: 200,
        offset: 0,
        plan: Default::default(),
    };
    let lines = store::list_cases(&mut conn, &filter).await?;
    let lines = vault::visible_lines(&mut conn, &t, &user.actor, lines).await?;
    drop(conn);
    let names = org_names(&state).await?;
    let rows = lines
        .into_iter()
        .map(|l| ListRow {
            id: l.id,
            code: l.code,
            stage: tr.t(&Stage::from_code(&l.stage).unwrap_or(Stage::Contact).label_key()),
            outcome: l
                .outcome
                .as_deref()
                .and_then(Outcome::from_code)
                .map(|o| tr.t(&o.label_key()))
                .unwrap_or_default(),
            comune: comune_name(&t, &l.comune_code),
            owner: names.get(&l.owner_org).cloned().unwrap_or_default(),
            own: l.owner_org == user.org.id,
            updated: tr.datetime(l.updated_at),
            pending_to_me: l.pending_to_me,
        })
        .collect();
    render(ListPage {
        chrome: Chrome::for_user(&state, &ctx, &user),
        rows,
        stages: Stage::ALL.iter().map(|s| (s.code(), tr.t(&s.label_key()))).collect(),
        q_stage: q.stato,
        q_code: q.codice,
        q_name: q.nome,
        can_create: authorize(&user.actor, Action::ManageCase, &Resource::Cases).is_allowed(),
    })
}

// --- New person and case ---

/// The person form as typed (kept on errors).
#[derive(Debug, Clone, Default)]
pub struct PersonTyped {
    pub given_names: String,
    pub family_name: String,
    pub known_as: String,
    pub birth_date: String,
    pub age_band: String,
    pub sex: String,
    pub nationality: String,
    pub languages: String,
    pub phone: String,
    pub doc_kind: String,
    pub doc_number: String,
    pub doc_expiry: String,
    pub residence_status: String,
    pub permit_expiry: String,
    pub sector: String,
    pub employer: String,
    pub conditions: String,
    pub comune: String,
    pub session: String,
}

impl PersonTyped {
    fn from_pairs(p: &[(String, String)]) -> Self {
        Self {
            given_names: field(p, "given_names"),
            family_name: field(p, "family_name"),
            known_as: field(p, "known_as"),
            birth_date: field(p, "birth_date"),
            age_band: field(p, "age_band"),
            sex: field(p, "sex"),
            nationality: field(p, "nationality").to_ascii_uppercase(),
            languages: field(p, "languages"),
            phone: field(p, "phone"),
            doc_kind: field(p, "doc_kind"),
            doc_number: field(p, "doc_number"),
            doc_expiry: field(p, "doc_expiry"),
            residence_status: field(p, "residence_status"),
            permit_expiry: field(p, "permit_expiry"),
            sector: field(p, "sector"),
            employer: field(p, "employer"),
            conditions: field(p, "conditions"),
            comune: field(p, "comune"),
            session: field(p, "session"),
        }
    }

    /// The person to store, or the problems (as translated messages).
    fn parse(&self, tr: &Tr, t: &Territory) -> Result<NewPerson, Vec<String>> {
        let mut errors = Vec::new();
        let mut identity = Identity {
            given_names: self.given_names.clone(),
            family_name: self.family_name.clone(),
            known_as: self.known_as.clone(),
            birth_date: Some(self.birth_date.clone()),
            phone: self.phone.clone(),
            documents: if self.doc_number.is_empty() {
                Vec::new()
            } else {
                vec![Document {
                    kind: if self.doc_kind.is_empty() { "other".into() } else { self.doc_kind.clone() },
                    number: self.doc_number.clone(),
                    expiry: Some(self.doc_expiry.clone()),
                }]
            },
        };
        let today = today();
        for (f, p) in identity.normalise_and_check(today) {
            errors.push(format!(
                "{}: {}",
                tr.t(&format!("case-person-{}", f.replace('_', "-"))),
                tr.t(&format!("identity-problem-{}", p.code()))
            ));
        }
        let sex = Sex::from_code(&self.sex).unwrap_or(Sex::Unknown);
        let age_band = match identity.age_on(today) {
            Some(age) => domain::age_band(Some(age)),
            None => AgeBand::from_code(&self.age_band).unwrap_or(AgeBand::Unknown),
        };
        let nationality_ok = self.nationality.is_empty()
            || (self.nationality.len() == 3 && self.nationality.chars().all(|c| c.is_ascii_uppercase()));
        if !nationality_ok {
            errors.push(tr.t("case-error-nationality"));
        }
        let residence = ResidenceStatus::from_code(&self.residence_status).unwrap_or(ResidenceStatus::Unknown);
        let permit_expiry = match self.permit_expiry.as_str() {
            "" => None,
            d if argine_domain::cases::identity::parse_date(d).is_some() => Some(d.to_owned()),
            _ => {
                errors.push(tr.t("case-error-permit-expiry"));
                None
            }
        };
        if !self.sector.is_empty() && !SECTORS.contains(&self.sector.as_str()) {
            errors.push(tr.t("case-error-sector"));
        }
        let comune = match comune_code(t, &self.comune) {
            Some(c) => c,
            None => {
                errors.push(tr.t("case-error-comune"));
                String::new()
            }
        };
        let languages: Vec<String> =
            self.languages.split([',', ' ']).map(|l| l.trim().to_ascii_lowercase()).filter(|l| !l.is_empty()).collect();
        if languages.iter().any(|l| !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase())) {
            errors.push(tr.t("case-error-languages"));
        }
        let session = match self.session.as_str() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(tr.t("case-error-session"));
                    None
                }
            },
        };
        if self.employer.chars().count() > 300 || self.conditions.chars().count() > 4000 {
            errors.push(tr.t("case-error-too-long"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewPerson {
            identity,
            employment: Employment { employer: self.employer.clone(), conditions: self.conditions.clone() },
            attributes: PersonAttributes {
                sex: sex.code().into(),
                age_band: age_band.code().into(),
                nationality: self.nationality.clone(),
                languages: languages.join(","),
                residence_status: residence.code().into(),
                permit_expiry,
                sector: self.sector.clone(),
                comune_code: comune,
            },
            outreach_session: session,
        })
    }
}

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewPage {
    chrome: Chrome,
    f: PersonTyped,
    errors: Vec<String>,
    sexes: Vec<(&'static str, String)>,
    age_bands: Vec<(&'static str, String)>,
    residences: Vec<(&'static str, String)>,
    sectors: Vec<(&'static str, String)>,
    doc_kinds: Vec<(&'static str, String)>,
    today: String,
}

fn new_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    f: PersonTyped,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    render(NewPage {
        chrome: Chrome::for_user(state, ctx, user),
        f,
        errors,
        sexes: Sex::ALL.iter().map(|s| (s.code(), tr.t(&s.label_key()))).collect(),
        age_bands: AgeBand::ALL.iter().map(|s| (s.code(), tr.t(&s.label_key()))).collect(),
        residences: ResidenceStatus::ALL.iter().map(|s| (s.code(), tr.t(&s.label_key()))).collect(),
        sectors: SECTORS.iter().map(|s| (*s, tr.t(&format!("case-sector-{s}")))).collect(),
        doc_kinds: argine_domain::cases::identity::DOCUMENT_KINDS
            .iter()
            .map(|s| (*s, tr.t(&format!("case-document-{}", s.replace('_', "-")))))
            .collect(),
        today: today().to_string(),
    })
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    sessione: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCase, &Resource::Cases).await?;
    let f = PersonTyped { session: q.sessione, sex: "unknown".into(), ..PersonTyped::default() };
    new_page(&state, &ctx, &user, f, Vec::new())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageCase, &Resource::Cases).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    let typed = PersonTyped::from_pairs(&p);
    let t = state.territory();
    let person = match typed.parse(&tr, &t) {
        Ok(p) => p,
        Err(errors) => {
            tracing::info!(errors = errors.len(), "case form refused");
            return Ok(unprocessable(new_page(&state, &ctx, &user, typed, errors)?));
        }
    };
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let (person_id, case, _) = vault::create_person(&state, &mut tx, &ctx, &who, user.org.id, &person).await?;
    super::duplicates::screen_person(&state, &mut tx, person_id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/casi/{case}")).into_response())
}

// --- The case page ---

pub struct ConsentLine {
    pub id: i64,
    pub purposes: String,
    pub fields: String,
    pub recipients: String,
    pub language: String,
    pub mediator: String,
    pub given_on: String,
    pub withdrawn: bool,
}

pub struct ReferralLine {
    pub id: i64,
    pub to: String,
    pub from: String,
    pub status: String,
    pub status_code: &'static str,
    pub fields: String,
    pub due: String,
    pub reason: String,
    pub response: String,
    /// The directory service asked for, if one was.
    pub service: String,
    pub to_me_pending: bool,
}

pub struct AssessmentLine {
    pub checklist: String,
    pub outcome: String,
    pub present: i64,
    pub total: usize,
    pub by: String,
    pub at: String,
    pub items: Vec<(String, String, String)>,
    pub reasoning: String,
}

pub struct EventLine {
    pub at: String,
    pub org: String,
    pub what: String,
}

#[derive(Template)]
#[template(path = "cases/detail.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    code: String,
    stage: String,
    stage_code: &'static str,
    outcome: String,
    owner: String,
    comune: String,
    opened: String,
    own: bool,
    anonymised: bool,
    /// (label, value, shown)
    person: Vec<(String, String, bool)>,
    sees_assessment: bool,
    consents: Vec<ConsentLine>,
    assessments: Vec<AssessmentLine>,
    referrals: Vec<ReferralLine>,
    events: Vec<EventLine>,
    errors: Vec<String>,
    /// The form that failed, shown again as typed.
    posted: Posted,
    linked: Vec<argine_storage::cases_dup::LinkedRecord>,
    can_manage_data: bool,
    sees_notes: bool,
    items: Vec<super::work::ItemLine>,
    formal: String,
    can_identify: bool,
    // form choices
    orgs: Vec<(i64, String)>,
    /// Active directory services of the other organisations: (organisation, [(id, name)]).
    services: Vec<(String, Vec<(i64, String)>)>,
    field_groups: Vec<(&'static str, String)>,
    purposes: Vec<(&'static str, String)>,
    checklists: Vec<(String, String)>,
    checklist: Option<checklist::Checklist>,
    outcomes: Vec<(&'static str, String)>,
    sources: Vec<(&'static str, String)>,
    next_stages: Vec<(&'static str, String)>,
    close_reasons: Vec<(&'static str, String)>,
    today: String,
    due_default: String,
    lang: &'static str,
}

#[derive(Deserialize, Default)]
pub struct DetailQuery {
    #[serde(default)]
    lista: String,
}

/// The indicator checklists (data/cases/checklists.toml, parsed and checked by its tests).
pub fn checklists() -> Vec<checklist::Checklist> {
    checklist::parse(checklist::DEFAULT_TOML).unwrap_or_default()
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> WebResult<Response> {
    detail_page(&state, &ctx, &user, id, &q.lista, Vec::new(), Posted::default()).await
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    list_code: &str,
    errors: Vec<String>,
    posted: Posted,
) -> WebResult<Response> {
    let l = vault::load(state, id).await?;
    check(state, ctx, &user.actor, user.label(), Action::ViewCase, &l.resource()).await?;
    let who = Who::from(user);
    let view = vault::read_person(state, ctx, &who, &l, "page").await?;
    let tr = Tr::new(ctx.lang);
    let t = state.territory();
    let names = org_names(state).await?;
    let org = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let own = authorize(&user.actor, Action::ManageCase, &l.resource()).is_allowed();
    let key = vault::data_key(state, &l.person)?;
    let hidden = tr.t("case-not-shared");
    let shown = |f: FieldGroup, v: String| -> (String, bool) {
        if view.sees(f) { (if v.is_empty() { "—".into() } else { v }, true) } else { (hidden.clone(), false) }
    };
    let i = &view.identity;
    let mut person = Vec::new();
    for (label, f, v) in [
        ("case-person-given-names", FieldGroup::Names, i.given_names.clone()),
        ("case-person-family-name", FieldGroup::Names, i.family_name.clone()),
        ("case-person-known-as", FieldGroup::Names, i.known_as.clone()),
        (
            "case-person-birth-date",
            FieldGroup::BirthDate,
            i.birth_date.as_deref().map(|d| tr.date(d)).unwrap_or_default(),
        ),
        ("case-person-phone", FieldGroup::Phone, i.phone.clone()),
        (
            "case-person-documents",
            FieldGroup::Documents,
            i.documents
                .iter()
                .map(|d| format!("{} {}", tr.t(&format!("case-document-{}", d.kind.replace('_', "-"))), d.number))
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ] {
        let (v, s) = shown(f, v);
        person.push((tr.t(label), v, s));
    }
    // Coded attributes: residence and employment are field groups; sex, age band, nationality
    // and languages are seen by the whole team (they are what the indicators count).
    person.push((
        tr.t("case-person-sex"),
        tr.t(&Sex::from_code(&l.person.sex).unwrap_or(Sex::Unknown).label_key()),
        true,
    ));
    person.push((
        tr.t("case-person-age-band"),
        tr.t(&AgeBand::from_code(&l.person.age_band).unwrap_or(AgeBand::Unknown).label_key()),
        true,
    ));
    person.push((tr.t("case-person-nationality"), l.person.nationality.clone(), true));
    person.push((tr.t("case-person-languages"), l.person.languages.clone(), true));
    let residence = format!(
        "{}{}",
        tr.t(&ResidenceStatus::from_code(&l.person.residence_status).unwrap_or(ResidenceStatus::Unknown).label_key()),
        l.person
            .permit_expiry
            .as_deref()
            .map(|d| format!(" · {} {}", tr.t("case-person-permit-expiry"), tr.date(d)))
            .unwrap_or_default()
    );
    let (v, s) = shown(FieldGroup::Residence, residence);
    person.push((tr.t("case-person-residence"), v, s));
    let work = [
        (!l.person.sector.is_empty()).then(|| tr.t(&format!("case-sector-{}", l.person.sector))),
        Some(view.employment.employer.clone()).filter(|e| !e.is_empty()),
        Some(view.employment.conditions.clone()).filter(|e| !e.is_empty()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let (v, s) = shown(FieldGroup::Employment, work);
    person.push((tr.t("case-person-employment"), v, s));

    let consents = if own {
        l.consents
            .iter()
            .map(|c| ConsentLine {
                id: c.id,
                purposes: c
                    .purposes
                    .split(',')
                    .filter_map(Purpose::from_code)
                    .map(|p| tr.t(&p.label_key()))
                    .collect::<Vec<_>>()
                    .join(", "),
                fields: labels(&tr, &FieldGroup::parse_list(&c.fields).unwrap_or_default()),
                recipients: c.recipient_ids().into_iter().map(org).collect::<Vec<_>>().join(", "),
                language: c.language.clone(),
                mediator: c.mediator.clone(),
                given_on: tr.date(&c.given_on),
                withdrawn: c.withdrawn_at.is_some(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let lists = checklists();
    let sees_assessment = view.sees(FieldGroup::Assessment);
    let mut assessments = Vec::new();
    if sees_assessment {
        let mut conn = state.db.pool().acquire().await?;
        for a in store::assessments(&mut conn, id).await? {
            let list = lists.iter().find(|c| c.code == a.checklist);
            let opened: Option<Assessment> = match &key {
                Some(k) => vault::open(k, &a.answers_ct, &vault::aad("assessments.answers", a.id))?,
                None => None,
            };
            assessments.push(AssessmentLine {
                checklist: list.map(|c| c.name(tr.lang()).to_owned()).unwrap_or_else(|| a.checklist.clone()),
                outcome: tr.t(&Outcome::from_code(&a.outcome).unwrap_or(Outcome::Unclear).label_key()),
                present: a.present,
                total: list.map_or(0, |c| c.items.len()),
                by: org(a.org_id),
                at: tr.datetime(a.assessed_at),
                items: opened
                    .as_ref()
                    .map(|o| {
                        o.answers
                            .iter()
                            .filter(|x| x.answer == Answer::Yes)
                            .map(|x| {
                                let label = list
                                    .and_then(|c| c.items.iter().find(|i| i.code == x.item))
                                    .map(|i| i.label(tr.lang()).to_owned())
                                    .unwrap_or_else(|| x.item.clone());
                                let source = x.source.map(|s| tr.t(&s.label_key())).unwrap_or_default();
                                (label, x.evidence.clone(), source)
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                reasoning: opened.map(|o| o.reasoning).unwrap_or_default(),
            });
        }
    }
    let directory = {
        let mut conn = state.db.pool().acquire().await?;
        argine_storage::services::list(&mut conn).await?
    };
    let service_name =
        |sid: Option<i64>| sid.and_then(|s| directory.iter().find(|x| x.id == s)).map(|x| x.name.clone());
    let mut referrals = Vec::new();
    for r in &l.referrals {
        let mine = r.to_org == user.org.id || own;
        if !mine {
            continue;
        }
        let status = ReferralStatus::from_code(&r.status).unwrap_or(ReferralStatus::Pending);
        let reason = match (&key, mine) {
            (Some(k), true) => vault::open_text(k, &r.reason_ct, &vault::aad("referrals.reason", r.id))?,
            _ => String::new(),
        };
        let response = match &key {
            Some(k) => vault::open_text(k, &r.response_ct, &vault::aad("referrals.response", r.id))?,
            None => String::new(),
        };
        referrals.push(ReferralLine {
            id: r.id,
            to: org(r.to_org),
            from: org(r.from_org),
            status: tr.t(&status.label_key()),
            status_code: status.code(),
            fields: labels(&tr, &FieldGroup::parse_list(&r.fields).unwrap_or_default()),
            due: tr.date(&r.due_on),
            reason,
            response,
            service: service_name(r.service_id).unwrap_or_default(),
            to_me_pending: r.to_org == user.org.id && status == ReferralStatus::Pending,
        });
    }
    let mut conn = state.db.pool().acquire().await?;
    let events = store::events(&mut conn, id)
        .await?
        .into_iter()
        .map(|e| EventLine {
            at: tr.datetime(e.at),
            org: e.org_id.map(org).unwrap_or_default(),
            what: event_label(&tr, &e.kind, &e.detail, &names),
        })
        .collect();
    drop(conn);
    let linked = if own {
        let mut conn = state.db.pool().acquire().await?;
        super::duplicates::linked_records(&mut conn, l.person.id).await?
    } else {
        Vec::new()
    };
    let can_manage_data = authorize(&user.actor, Action::ManageCaseData, &l.resource()).is_allowed();
    let sees_notes = view.sees(FieldGroup::Notes);
    let items = super::work::items(state, &l, sees_notes, &tr, &org).await?;
    let formal = match (&l.case.formal_outcome, l.case.formal_org, &l.case.formal_on) {
        (Some(o), Some(by), Some(on)) => format!(
            "{} · {} · {}",
            tr.t(&Outcome::from_code(o).unwrap_or(Outcome::Unclear).label_key()),
            org(by),
            tr.date(on)
        ),
        _ => String::new(),
    };
    let can_identify = super::work::may_identify(&l, user.org.id, user.org.org_type) && !l.is_anonymised();
    let stage = Stage::from_code(&l.case.stage).unwrap_or(Stage::Contact);
    let checklist = lists.iter().find(|c| c.code == list_code).or(lists.first()).cloned();
    let mut all_orgs: Vec<(i64, String)> =
        names.iter().filter(|(id, _)| **id != l.case.owner_org).map(|(id, n)| (*id, n.clone())).collect();
    all_orgs.sort_by(|a, b| a.1.cmp(&b.1));
    let services = all_orgs
        .iter()
        .map(|(oid, name)| {
            let list: Vec<(i64, String)> = directory
                .iter()
                .filter(|s| s.org_id == *oid && s.status == "active")
                .map(|s| (s.id, s.name.clone()))
                .collect();
            (name.clone(), list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    render(DetailPage {
        chrome: Chrome::for_user(state, ctx, user),
        id,
        code: l.person.code.clone(),
        stage: tr.t(&stage.label_key()),
        stage_code: stage.code(),
        outcome: l
            .case
            .outcome
            .as_deref()
            .and_then(Outcome::from_code)
            .map(|o| tr.t(&o.label_key()))
            .unwrap_or_default(),
        owner: org(l.case.owner_org),
        comune: comune_name(&t, &l.case.comune_code),
        opened: tr.datetime(l.case.opened_at),
        own,
        anonymised: l.is_anonymised(),
        person,
        sees_assessment,
        consents,
        assessments,
        referrals,
        events,
        errors,
        posted,
        linked,
        can_manage_data,
        sees_notes,
        items,
        formal,
        can_identify,
        orgs: all_orgs,
        services,
        field_groups: FieldGroup::ALL.iter().map(|f| (f.code(), tr.t(&f.label_key()))).collect(),
        purposes: Purpose::ALL.iter().map(|p| (p.code(), tr.t(&p.label_key()))).collect(),
        checklists: lists.iter().map(|c| (c.code.clone(), c.name(tr.lang()).to_owned())).collect(),
        checklist,
        outcomes: Outcome::ALL.iter().map(|o| (o.code(), tr.t(&o.label_key()))).collect(),
        sources: EvidenceSource::ALL.iter().map(|o| (o.code(), tr.t(&o.label_key()))).collect(),
        next_stages: Stage::ALL
            .iter()
            .filter(|s| **s != Stage::Closed && domain::may_move(stage, **s))
            .map(|s| (s.code(), tr.t(&s.label_key())))
            .collect(),
        close_reasons: CloseReason::ALL.iter().map(|o| (o.code(), tr.t(&o.label_key()))).collect(),
        today: today().to_string(),
        due_default: (today() + time::Duration::days(7)).to_string(),
        lang: tr.lang(),
    })
}

fn labels(tr: &Tr, fields: &[FieldGroup]) -> String {
    fields.iter().map(|f| tr.t(&f.label_key())).collect::<Vec<_>>().join(", ")
}

fn event_label(tr: &Tr, kind: &str, detail: &str, names: &HashMap<i64, String>) -> String {
    let d: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    let org =
        |k: &str| d.get(k).and_then(serde_json::Value::as_i64).and_then(|o| names.get(&o).cloned()).unwrap_or_default();
    let code = |k: &str| d.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    let base = tr.t(&format!("case-event-{}", kind.replace('_', "-")));
    match kind {
        "referral" | "referral_accepted" | "referral_declined" | "referral_withdrawn" => {
            format!("{base}: {}", org("to"))
        }
        "stage" => {
            format!("{base}: {}", Stage::from_code(&code("stage")).map(|s| tr.t(&s.label_key())).unwrap_or_default())
        }
        "assessment" => {
            format!(
                "{base}: {}",
                Outcome::from_code(&code("outcome")).map(|s| tr.t(&s.label_key())).unwrap_or_default()
            )
        }
        "closed" => {
            format!(
                "{base}: {}",
                CloseReason::from_code(&code("reason")).map(|s| tr.t(&s.label_key())).unwrap_or_default()
            )
        }
        _ => base,
    }
}

/// Re-renders the case page with errors (422), or goes back to it.
async fn done(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    errors: Vec<String>,
    anchor: &str,
) -> WebResult<Response> {
    done_with(state, ctx, user, id, errors, anchor, Posted::default()).await
}

/// [`done`], showing the form that failed as it was typed.
async fn done_with(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    id: i64,
    errors: Vec<String>,
    anchor: &str,
    posted: Posted,
) -> WebResult<Response> {
    if errors.is_empty() {
        Ok(Redirect::to(&format!("/casi/{id}#{anchor}")).into_response())
    } else {
        let list = posted.value("assessment", "checklist", "").to_owned();
        Ok(unprocessable(detail_page(state, ctx, user, id, &list, errors, posted).await?))
    }
}

async fn owned(state: &AppState, ctx: &RequestCtx, user: &CurrentUser, id: i64) -> WebResult<Loaded> {
    let l = vault::load(state, id).await?;
    check(state, ctx, &user.actor, user.label(), Action::ManageCase, &l.resource()).await?;
    Ok(l)
}

// --- Consent ---

pub async fn add_consent(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = owned(&state, &ctx, &user, id).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    let mut errors = Vec::new();
    let purposes: Vec<Purpose> = fields(&p, "purposes").iter().filter_map(|c| Purpose::from_code(c)).collect();
    if purposes.is_empty() {
        errors.push(tr.t("case-error-consent-purpose"));
    }
    let groups: Vec<FieldGroup> = fields(&p, "fields").iter().filter_map(|c| FieldGroup::from_code(c)).collect();
    let recipients: Vec<i64> = fields(&p, "recipients").iter().filter_map(|c| c.parse().ok()).collect();
    if purposes.contains(&Purpose::Referral) && (recipients.is_empty() || groups.is_empty()) {
        errors.push(tr.t("case-error-consent-recipients"));
    }
    let language = field(&p, "language").to_ascii_lowercase();
    if !(2..=3).contains(&language.len()) || !language.chars().all(|c| c.is_ascii_lowercase()) {
        errors.push(tr.t("case-error-consent-language"));
    }
    let mediator = field(&p, "mediator");
    let given_on = field(&p, "given_on");
    match argine_domain::cases::identity::parse_date(&given_on) {
        Some(d) if d <= today() => {}
        _ => errors.push(tr.t("case-error-consent-date")),
    }
    if !errors.is_empty() {
        return done_with(&state, &ctx, &user, id, errors, "consensi", Posted::new("consent", p)).await;
    }
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let purposes_code = purposes.iter().map(|p| p.code()).collect::<Vec<_>>().join(",");
    let fields_code = FieldGroup::list_code(&groups);
    let cid = store::add_consent(
        &mut tx,
        &NewConsent {
            person: l.person.id,
            purposes: &purposes_code,
            fields: &fields_code,
            recipients: &recipients,
            language: &language,
            mediator: &mediator,
            given_on: &given_on,
            by: user.user.id,
        },
    )
    .await?;
    store::add_event(&mut tx, id, Some(user.org.id), Some(user.user.id), "consent", &json!({"consent": cid})).await?;
    vault::audit_case_write(
        &mut tx,
        &ctx,
        &who,
        "case.consent",
        id,
        json!({"consent": cid, "purposes": purposes_code, "fields": fields_code, "recipients": recipients}),
    )
    .await?;
    tx.commit().await?;
    done(&state, &ctx, &user, id, Vec::new(), "consensi").await
}

pub async fn withdraw_consent(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, consent)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let l = owned(&state, &ctx, &user, id).await?;
    if !l.consents.iter().any(|c| c.id == consent) {
        return Err(WebError::NotFound);
    }
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let withdrawn = store::withdraw_consent(&mut tx, consent, user.user.id).await?;
    store::add_event(
        &mut tx,
        id,
        Some(user.org.id),
        Some(user.user.id),
        "consent_withdrawn",
        &json!({"consent": consent}),
    )
    .await?;
    for r in &withdrawn {
        let to = l.referrals.iter().find(|x| x.id == *r).map(|x| x.to_org);
        store::add_event(
            &mut tx,
            id,
            Some(user.org.id),
            Some(user.user.id),
            "referral_withdrawn",
            &json!({"referral": r, "to": to}),
        )
        .await?;
    }
    vault::audit_case_write(
        &mut tx,
        &ctx,
        &who,
        "case.consent_withdraw",
        id,
        json!({"consent": consent, "referrals": withdrawn}),
    )
    .await?;
    tx.commit().await?;
    done(&state, &ctx, &user, id, Vec::new(), "consensi").await
}

// --- Assessment ---

pub async fn assess(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = owned(&state, &ctx, &user, id).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    let lists = checklists();
    let Some(list) = lists.iter().find(|c| c.code == field(&p, "checklist")) else {
        return Err(WebError::BadRequest("case-error-checklist"));
    };
    let mut a = Assessment {
        checklist: list.code.clone(),
        version: list.version,
        answers: list
            .items
            .iter()
            .map(|i| ItemAnswer {
                item: i.code.clone(),
                answer: Answer::from_code(&field(&p, &format!("a-{}", i.code))).unwrap_or(Answer::Unknown),
                evidence: field(&p, &format!("e-{}", i.code)),
                source: EvidenceSource::from_code(&field(&p, &format!("s-{}", i.code))),
            })
            .collect(),
        outcome: Outcome::from_code(&field(&p, "outcome")).unwrap_or(Outcome::Unclear),
        reasoning: field(&p, "reasoning"),
    };
    let problems = a.check(list);
    if !problems.is_empty() {
        let errors = problems
            .iter()
            .map(|pr| match pr {
                checklist::Problem::NoEvidence(item) | checklist::Problem::UnknownItem(item) => format!(
                    "{}: {}",
                    list.items
                        .iter()
                        .find(|i| &i.code == item)
                        .map(|i| i.label(tr.lang()).to_owned())
                        .unwrap_or_else(|| item.clone()),
                    tr.t(&format!("assessment-problem-{}", pr.code()))
                ),
                checklist::Problem::NoReasoning => tr.t("assessment-problem-no-reasoning"),
            })
            .collect();
        return done_with(&state, &ctx, &user, id, errors, "valutazione", Posted::new("assessment", p)).await;
    }
    let Some(key) = vault::data_key(&state, &l.person)? else {
        return Err(WebError::Conflict("case-error-anonymised"));
    };
    let who = Who::from(&user);
    let mut tx = state.db.begin().await?;
    let aid = store::add_assessment(
        &mut tx,
        &store::NewAssessment {
            case: id,
            checklist: &a.checklist,
            version: i64::from(a.version),
            outcome: a.outcome.code(),
            present: i64::try_from(a.present()).unwrap_or(i64::MAX),
            answers_ct: "",
            org: user.org.id,
            by: user.user.id,
        },
    )
    .await?;
    store::set_assessment_answers(&mut tx, aid, &vault::seal(&key, &a, &vault::aad("assessments.answers", aid))?)
        .await?;
    store::set_outcome(&mut tx, id, a.outcome.code()).await?;
    let stage = Stage::from_code(&l.case.stage).unwrap_or(Stage::Contact);
    if a.outcome == Outcome::PresumedVictim && domain::may_move(stage, Stage::PreliminaryIdentification) {
        store::set_stage(&mut tx, id, Stage::PreliminaryIdentification.code()).await?;
        store::add_event(&mut tx, id, Some(user.org.id), Some(user.user.id), "stage", &json!({"stage": "preliminary"}))
            .await?;
    }
    store::add_event(
        &mut tx,
        id,
        Some(user.org.id),
        Some(user.user.id),
        "assessment",
        &json!({"assessment": aid, "outcome": a.outcome.code(), "checklist": a.checklist}),
    )
    .await?;
    vault::audit_case_write(
        &mut tx,
        &ctx,
        &who,
        "case.assess",
        id,
        json!({"assessment": aid, "outcome": a.outcome.code()}),
    )
    .await?;
    tx.commit().await?;
    done(&state, &ctx, &user, id, Vec::new(), "valutazione").await
}

// --- Referral ---

/// A refusal of the shared operations, as the page's message.
fn refused_message(tr: &Tr, r: &super::ops::Refused) -> String {
    match r {
        super::ops::Refused::Consent(gap) => {
            let msg = tr.t(&format!("consent-gap-{}", gap.code()));
            match gap {
                consent::Gap::Fields(missing) => format!("{msg} {}", labels(tr, missing)),
                _ => msg,
            }
        }
        super::ops::Refused::Invalid(_, id) | super::ops::Refused::State(id) => tr.t(id),
    }
}

/// Refers the person (through [`super::ops::refer`], shared with the API).
pub async fn refer(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    let p = pairs(&body);
    let service: Option<i64> = field(&p, "service").parse().ok();
    let mut to_org: i64 = field(&p, "to_org").parse().unwrap_or(0);
    if to_org == 0
        && let Some(sid) = service
    {
        // A service chosen alone names its organisation.
        let mut conn = state.db.pool().acquire().await?;
        match argine_storage::services::get(&mut conn, sid).await {
            Ok(s) => to_org = s.org_id,
            Err(argine_storage::StorageError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let r = super::ops::Referral {
        to_org,
        service,
        fields: fields(&p, "fields").iter().filter_map(|c| FieldGroup::from_code(c)).collect(),
        reason: field(&p, "reason"),
        due_on: field(&p, "due_on"),
    };
    match super::ops::refer(&state, &ctx, &Who::from(&user), &l, &r).await? {
        Ok(_) => done(&state, &ctx, &user, id, Vec::new(), "invii").await,
        Err(refused) => {
            tracing::info!(case = id, "referral refused: {refused:?}");
            let msg = refused_message(&Tr::new(ctx.lang), &refused);
            done_with(&state, &ctx, &user, id, vec![msg], "invii", Posted::new("referral", p)).await
        }
    }
}

/// Accepts or declines (through [`super::ops::respond`], shared with the API).
pub async fn respond(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path((id, rid)): Path<(i64, i64)>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = vault::load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewCase, &l.resource()).await?;
    if !l.referrals.iter().any(|r| r.id == rid) {
        return Err(WebError::NotFound);
    }
    let p = pairs(&body);
    let decision = super::ops::Decision::from_code(&field(&p, "decision"));
    match super::ops::respond(&state, &ctx, &Who::from(&user), rid, decision, &field(&p, "note")).await? {
        Ok(_) => done(&state, &ctx, &user, id, Vec::new(), "invii").await,
        Err(refused) => {
            let msg = refused_message(&Tr::new(ctx.lang), &refused);
            done(&state, &ctx, &user, id, vec![msg], "invii").await
        }
    }
}

// --- Stage ---

pub async fn stage(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let l = owned(&state, &ctx, &user, id).await?;
    let tr = Tr::new(ctx.lang);
    let p = pairs(&body);
    let who = Who::from(&user);
    let current = Stage::from_code(&l.case.stage).unwrap_or(Stage::Contact);
    let mut tx = state.db.begin().await?;
    match field(&p, "action").as_str() {
        "reopen" if current == Stage::Closed => {
            store::reopen_case(&mut tx, id).await?;
            store::add_event(&mut tx, id, Some(user.org.id), Some(user.user.id), "reopened", &json!({})).await?;
        }
        "close" => {
            let Some(reason) = CloseReason::from_code(&field(&p, "reason")) else {
                return done(&state, &ctx, &user, id, vec![tr.t("case-error-close-reason")], "fase").await;
            };
            let until = super::retention::retention_until(&state, argine_storage::now());
            store::close_case(&mut tx, id, reason.code(), until).await?;
            store::add_event(
                &mut tx,
                id,
                Some(user.org.id),
                Some(user.user.id),
                "closed",
                &json!({"reason": reason.code()}),
            )
            .await?;
        }
        "move" => {
            let Some(to) =
                Stage::from_code(&field(&p, "stage")).filter(|s| *s != Stage::Closed && domain::may_move(current, *s))
            else {
                return done(&state, &ctx, &user, id, vec![tr.t("case-error-stage")], "fase").await;
            };
            store::set_stage(&mut tx, id, to.code()).await?;
            store::add_event(&mut tx, id, Some(user.org.id), Some(user.user.id), "stage", &json!({"stage": to.code()}))
                .await?;
        }
        _ => return Err(WebError::BadRequest("case-error-stage")),
    }
    vault::audit_case_write(
        &mut tx,
        &ctx,
        &who,
        "case.stage",
        id,
        json!({"action": field(&p, "action"), "stage": field(&p, "stage"), "reason": field(&p, "reason")}),
    )
    .await?;
    tx.commit().await?;
    done(&state, &ctx, &user, id, Vec::new(), "fase").await
}
