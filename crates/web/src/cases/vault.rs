//! The only way to a person's encrypted fields. Loading a case builds its team (who may see
//! what, from the referrals and their consents); reading decrypts only the field groups the
//! one authorization function allows, and writes the read to the audit log before anything
//! is shown; writing encrypts with the person's own data key, bound to table, column and row.

use crate::AppState;
use crate::auth::{ApiUser, CurrentUser, audit_personal_read};
use crate::error::{WebError, WebResult};
use crate::middleware::RequestCtx;
use crate::territory::Territory;
use argine_domain::access::{Action, Actor, CaseAccess, Resource, authorize};
use argine_domain::cases::blind::Indexer;
use argine_domain::cases::consent::{self, Consent, Purpose};
use argine_domain::cases::identity::Identity;
use argine_domain::cases::{FieldGroup, ReferralStatus};
use argine_domain::crypto::DataKey;
use argine_domain::territory::TerritoryPath;
use argine_storage::cases::{self as store, Case, ConsentRow, Person, Referral};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

/// Who acts, from a page session or an API token.
pub struct Who<'a> {
    pub actor: &'a Actor,
    pub user_id: i64,
    pub label: &'a str,
}

impl<'a> From<&'a CurrentUser> for Who<'a> {
    fn from(u: &'a CurrentUser) -> Self {
        Self { actor: &u.actor, user_id: u.user.id, label: u.label() }
    }
}

impl<'a> From<&'a ApiUser> for Who<'a> {
    fn from(u: &'a ApiUser) -> Self {
        Self { actor: &u.actor, user_id: u.user.id, label: &u.user.email }
    }
}

/// Work and conditions, as the person told them (encrypted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub employer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub conditions: String,
}

/// A case with everything the access decision needs.
pub struct Loaded {
    pub case: Case,
    pub person: Person,
    pub referrals: Vec<Referral>,
    pub consents: Vec<ConsentRow>,
    pub access: CaseAccess,
}

impl Loaded {
    pub fn resource(&self) -> Resource {
        Resource::Case(self.access.clone())
    }

    pub fn field(&self, field: FieldGroup) -> Resource {
        Resource::CaseField { case: self.access.clone(), field }
    }

    /// The field groups `actor` may read on this case.
    pub fn visible(&self, actor: &Actor) -> Vec<FieldGroup> {
        FieldGroup::ALL
            .iter()
            .copied()
            .filter(|f| authorize(actor, Action::ViewCaseField, &self.field(*f)).is_allowed())
            .collect()
    }

    pub fn domain_consents(&self) -> Vec<Consent> {
        domain_consents(&self.consents)
    }

    pub fn is_anonymised(&self) -> bool {
        self.person.anonymised_at.is_some()
    }
}

pub fn domain_consents(rows: &[ConsentRow]) -> Vec<Consent> {
    rows.iter()
        .map(|c| Consent {
            id: c.id,
            purposes: c.purposes.split(',').filter_map(Purpose::from_code).collect(),
            fields: FieldGroup::parse_list(&c.fields).unwrap_or_default(),
            recipients: c.recipient_ids(),
            withdrawn: c.withdrawn_at.is_some(),
        })
        .collect()
}

pub fn territory_path(t: &Territory, comune: &str) -> Option<TerritoryPath> {
    t.resolve(comune).map(|r| TerritoryPath::comune(&r.current.region_code, &r.current.province_code, &r.current.istat))
}

/// The team of a case: organisations with a live referral covered by an active consent (and
/// the fields shared with each), users with an unexpired break-the-glass access.
pub fn access_of(
    case: &Case,
    referrals: &[Referral],
    consents: &[Consent],
    glass_users: Vec<i64>,
    territory: Option<TerritoryPath>,
) -> CaseAccess {
    let fields: Vec<(i64, Vec<FieldGroup>, Option<&Consent>)> = referrals
        .iter()
        .filter(|r| {
            matches!(ReferralStatus::from_code(&r.status), Some(ReferralStatus::Pending | ReferralStatus::Accepted))
        })
        .map(|r| {
            (
                r.to_org,
                FieldGroup::parse_list(&r.fields).unwrap_or_default(),
                consents.iter().find(|c| c.id == r.consent_id),
            )
        })
        .collect();
    let view: Vec<(i64, &[FieldGroup], Option<&Consent>)> =
        fields.iter().map(|(o, f, c)| (*o, f.as_slice(), *c)).collect();
    let mut orgs: Vec<i64> = fields.iter().map(|(o, _, _)| *o).filter(|o| *o != case.owner_org).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let shared =
        orgs.into_iter().map(|o| (o, consent::shared_fields(&view, o))).filter(|(_, f)| !f.is_empty()).collect();
    CaseAccess { case_id: case.id, owner_org: case.owner_org, territory, shared, glass_users }
}

pub async fn load_on(conn: &mut AnyConnection, t: &Territory, case_id: i64) -> WebResult<Loaded> {
    let case = store::case(conn, case_id).await?;
    let person = store::person(conn, case.person_id).await?;
    let referrals = store::referrals(conn, case_id).await?;
    let consents = store::consents(conn, case.person_id).await?;
    let glass = store::glass_users(conn, case_id).await?;
    let access = access_of(&case, &referrals, &domain_consents(&consents), glass, territory_path(t, &case.comune_code));
    Ok(Loaded { case, person, referrals, consents, access })
}

/// The lines of the case list `actor` may see. An owned case needs nothing more; a referred one
/// is checked on its full team (the referral may rest on a consent since withdrawn), the teams of
/// all the page's referred cases read in four queries whatever their number.
pub async fn visible_lines(
    conn: &mut AnyConnection,
    t: &Territory,
    actor: &Actor,
    lines: Vec<store::CaseLine>,
) -> WebResult<Vec<store::CaseLine>> {
    let referred: Vec<i64> = lines.iter().filter(|l| l.owner_org != actor.org_id).map(|l| l.id).collect();
    let mut teams = teams(conn, t, &referred).await?;
    Ok(lines
        .into_iter()
        .filter(|l| {
            let access = match teams.remove(&l.id) {
                Some(a) => a,
                None if l.owner_org == actor.org_id => CaseAccess { owner_org: l.owner_org, ..CaseAccess::default() },
                None => return false,
            };
            authorize(actor, Action::ViewCase, &Resource::Case(access)).is_allowed()
        })
        .collect())
}

/// The teams of several cases (`access_of` for each), in four queries.
async fn teams(
    conn: &mut AnyConnection,
    t: &Territory,
    ids: &[i64],
) -> WebResult<std::collections::HashMap<i64, CaseAccess>> {
    let cases = store::cases_by_ids(conn, ids).await?;
    let persons: Vec<i64> = cases.iter().map(|c| c.person_id).collect();
    let referrals = store::referrals_of(conn, ids).await?;
    let consents = store::consents_of(conn, &persons).await?;
    let glass = store::glass_users_of(conn, ids).await?;
    Ok(cases
        .iter()
        .map(|c| {
            let refs: Vec<Referral> = referrals.iter().filter(|r| r.case_id == c.id).cloned().collect();
            let cons: Vec<ConsentRow> = consents.iter().filter(|k| k.person_id == c.person_id).cloned().collect();
            let users = glass.iter().filter(|(case, _)| *case == c.id).map(|(_, u)| *u).collect();
            (c.id, access_of(c, &refs, &domain_consents(&cons), users, territory_path(t, &c.comune_code)))
        })
        .collect())
}

pub async fn load(state: &AppState, case_id: i64) -> WebResult<Loaded> {
    let t = state.territory();
    let mut conn = state.db.pool().acquire().await?;
    load_on(&mut conn, &t, case_id).await
}

// --- Encryption ---

pub fn aad(table_column: &str, id: i64) -> String {
    format!("{table_column}.{id}")
}

fn crypto_error(e: argine_domain::crypto::CryptoError) -> WebError {
    WebError::Internal(anyhow::anyhow!("case field encryption: {e}"))
}

/// The person's data key; `None` once the person was anonymised or erased.
pub fn data_key(state: &AppState, person: &Person) -> WebResult<Option<DataKey>> {
    if person.wrapped_key.is_empty() {
        return Ok(None);
    }
    state.keyring.unwrap_data_key(&person.wrapped_key, &aad("persons.dek", person.id)).map(Some).map_err(crypto_error)
}

pub fn seal<T: Serialize>(key: &DataKey, value: &T, aad: &str) -> WebResult<String> {
    let bytes = serde_json::to_vec(value).map_err(|e| WebError::Internal(e.into()))?;
    key.encrypt(&bytes, aad).map_err(crypto_error)
}

pub fn open<T: DeserializeOwned>(key: &DataKey, stored: &str, aad: &str) -> WebResult<Option<T>> {
    if stored.is_empty() {
        return Ok(None);
    }
    let bytes = key.decrypt(stored, aad).map_err(crypto_error)?;
    serde_json::from_slice(&bytes).map(Some).map_err(|e| WebError::Internal(e.into()))
}

/// Free text sealed with the person's key (empty stays empty).
pub fn seal_text(key: &DataKey, text: &str, aad: &str) -> WebResult<String> {
    if text.is_empty() { Ok(String::new()) } else { seal(key, &text, aad) }
}

pub fn open_text(key: &DataKey, stored: &str, aad: &str) -> WebResult<String> {
    Ok(open::<String>(key, stored, aad)?.unwrap_or_default())
}

pub fn indexer(state: &AppState) -> WebResult<Indexer> {
    state
        .keyring
        .blind_key()
        .map(Indexer::new)
        .ok_or_else(|| WebError::Internal(anyhow::anyhow!("the keyring has no blind-index key")))
}

/// Encrypts a person's identity and employment and stores them with the blind indexes.
pub async fn store_secrets(
    state: &AppState,
    conn: &mut AnyConnection,
    person: i64,
    existing_wrapped: Option<&str>,
    identity: &Identity,
    employment: &Employment,
    nationality: &str,
) -> WebResult<()> {
    let (key, wrapped) = match existing_wrapped.filter(|w| !w.is_empty()) {
        Some(w) => (state.keyring.unwrap_data_key(w, &aad("persons.dek", person)).map_err(crypto_error)?, w.to_owned()),
        None => state.keyring.new_data_key(&aad("persons.dek", person)).map_err(crypto_error)?,
    };
    let identity_ct = seal(&key, identity, &aad("persons.identity", person))?;
    let employment_ct = if employment == &Employment::default() {
        String::new()
    } else {
        seal(&key, employment, &aad("persons.employment", person))?
    };
    store::set_person_secrets(conn, person, &wrapped, &identity_ct, &employment_ct).await?;
    let tokens = indexer(state)?.tokens(identity, nationality);
    let pairs: Vec<(&str, &str)> = tokens.iter().map(|t| (t.kind.code(), t.digest.as_str())).collect();
    store::set_blind_index(conn, person, &pairs).await?;
    Ok(())
}

/// What a reader may see of a person: the identity with the groups they may not see blanked.
pub struct PersonView {
    pub fields: Vec<FieldGroup>,
    pub identity: Identity,
    pub employment: Employment,
}

impl PersonView {
    pub fn sees(&self, f: FieldGroup) -> bool {
        self.fields.contains(&f)
    }
}

/// Decrypts what `who` may see of the case's person, after auditing the read (`via`: the page
/// or API route). A reader who may see no personal group reads nothing and nothing is audited.
pub async fn read_person(
    state: &AppState,
    ctx: &RequestCtx,
    who: &Who<'_>,
    l: &Loaded,
    via: &str,
) -> WebResult<PersonView> {
    let fields = l.visible(who.actor);
    let personal: Vec<&str> = fields
        .iter()
        .filter(|f| f.is_identity() || matches!(f, FieldGroup::Employment | FieldGroup::Assessment | FieldGroup::Notes))
        .map(|f| f.code())
        .collect();
    let mut view =
        PersonView { fields: fields.clone(), identity: Identity::default(), employment: Employment::default() };
    let Some(key) = data_key(state, &l.person)? else { return Ok(view) };
    if personal.is_empty() {
        return Ok(view);
    }
    audit_personal_read(
        state,
        ctx,
        (who.user_id, who.label),
        ("person", l.person.id.to_string()),
        json!({"case": l.case.id, "fields": personal, "via": via}),
    )
    .await?;
    let full: Identity = open(&key, &l.person.identity_ct, &aad("persons.identity", l.person.id))?.unwrap_or_default();
    let sees = |f| fields.contains(&f);
    view.identity = Identity {
        given_names: if sees(FieldGroup::Names) { full.given_names } else { String::new() },
        family_name: if sees(FieldGroup::Names) { full.family_name } else { String::new() },
        known_as: if sees(FieldGroup::Names) { full.known_as } else { String::new() },
        birth_date: if sees(FieldGroup::BirthDate) { full.birth_date } else { None },
        phone: if sees(FieldGroup::Phone) { full.phone } else { String::new() },
        documents: if sees(FieldGroup::Documents) { full.documents } else { Vec::new() },
    };
    if sees(FieldGroup::Employment) {
        view.employment =
            open(&key, &l.person.employment_ct, &aad("persons.employment", l.person.id))?.unwrap_or_default();
    }
    Ok(view)
}

/// A new person and their case, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewPerson {
    pub identity: Identity,
    pub employment: Employment,
    pub attributes: store::PersonAttributes,
    pub outreach_session: Option<i64>,
}

/// Creates the person (encrypted, with blind indexes) and opens their case in `org`, with the
/// timeline's first event and the audit entry, in the caller's transaction. Returns (person,
/// case, pseudonymous code).
pub async fn create_person(
    state: &AppState,
    tx: &mut argine_storage::Tx,
    ctx: &RequestCtx,
    who: &Who<'_>,
    org: i64,
    p: &NewPerson,
) -> WebResult<(i64, i64, String)> {
    let code = argine_domain::cases::pseudonym("AR", argine_domain::auth::token::random_bytes::<8>());
    let person = store::insert_person(tx, &code, org, &p.attributes, p.outreach_session, Some(who.user_id)).await?;
    store_secrets(state, tx, person, None, &p.identity, &p.employment, &p.attributes.nationality).await?;
    let case = store::open_case(tx, person, org, &p.attributes.comune_code, who.user_id).await?;
    store::add_event(tx, case, Some(org), Some(who.user_id), "opened", &json!({"session": p.outreach_session})).await?;
    audit_case_write(tx, ctx, who, "case.open", case, json!({"person": person})).await?;
    Ok((person, case, code))
}

/// Writes the audit entry of a change to a case (ids and codes only, never personal values).
pub async fn audit_case_write(
    tx: &mut argine_storage::Tx,
    ctx: &RequestCtx,
    who: &Who<'_>,
    action: &str,
    case: i64,
    details: serde_json::Value,
) -> WebResult<()> {
    argine_storage::audit::append(
        tx,
        &argine_storage::audit::NewEntry {
            actor_user_id: Some(who.user_id),
            actor_label: who.label.to_owned(),
            action: action.into(),
            outcome: "ok".into(),
            record_type: "case".into(),
            record_id: case.to_string(),
            ip: ctx.ip.clone(),
            request_id: ctx.request_id.clone(),
            details: details.to_string(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}
