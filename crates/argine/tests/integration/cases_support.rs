//! Shared steps of the case-work tests: acting as a demo account outside a request, and
//! registering a person the way the new-person form does (vault, then duplicate screening).

use crate::helpers::TestApp;
use argine_domain::access::Actor;
use argine_domain::cases::identity::Identity;
use argine_storage::cases::PersonAttributes;
use argine_web::RequestCtx;
use argine_web::cases::duplicates;
use argine_web::cases::vault::{self, NewPerson, Who};
use argine_web::i18n::Lang;

/// A demo account as the vault sees it.
pub struct As {
    pub actor: Actor,
    pub user_id: i64,
    pub label: String,
}

impl As {
    pub fn who(&self) -> Who<'_> {
        Who { actor: &self.actor, user_id: self.user_id, label: &self.label }
    }
}

pub async fn acting(app: &TestApp, who: &str) -> As {
    let email = app.account(who).email.clone();
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let user = argine_storage::accounts::find_by_email(&mut conn, &email).await.unwrap().unwrap();
    let org = app.state.organisation(user.org_id).await.unwrap();
    As {
        actor: Actor {
            user_id: user.id,
            org_id: org.id,
            jurisdiction: org.jurisdiction.clone(),
            roles: user.roles.clone(),
            mfa_verified: true,
            mfa_enrolled: true,
            token_scope: None,
        },
        user_id: user.id,
        label: user.email,
    }
}

pub fn ctx() -> RequestCtx {
    RequestCtx {
        request_id: "test".into(),
        lang: Lang::It,
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        path: "/casi/nuovo".into(),
        is_api: false,
    }
}

pub fn identity(given: &str, family: &str, birth: &str, phone: &str) -> Identity {
    Identity {
        given_names: given.into(),
        family_name: family.into(),
        birth_date: Some(birth.into()),
        phone: phone.into(),
        ..Identity::default()
    }
}

/// Registers a person in the actor's organisation: (person, case, pseudonymous code).
pub async fn register(app: &TestApp, by: &As, identity: Identity, nationality: &str) -> (i64, i64, String) {
    let p = NewPerson {
        identity,
        attributes: PersonAttributes {
            sex: "m".into(),
            age_band: "25_34".into(),
            nationality: nationality.into(),
            sector: "agriculture".into(),
            comune_code: "020030".into(),
            ..PersonAttributes::default()
        },
        ..NewPerson::default()
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let (person, case, code) =
        vault::create_person(&app.state, &mut tx, &ctx(), &by.who(), by.actor.org_id, &p).await.unwrap();
    duplicates::screen_person(&app.state, &mut tx, person).await.unwrap();
    tx.commit().await.unwrap();
    (person, case, code)
}

/// Records a consent for `person` (purposes and fields as codes, comma separated).
pub async fn consent(app: &TestApp, by: &As, person: i64, purposes: &str, fields: &str, recipients: &[i64]) -> i64 {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    argine_storage::cases::add_consent(
        &mut conn,
        &argine_storage::cases::NewConsent {
            person,
            purposes,
            fields,
            recipients,
            language: "fr",
            mediator: "Mediatrice Awa Sow",
            given_on: "2026-01-10",
            by: by.user_id,
        },
    )
    .await
    .unwrap()
}

pub async fn org_id(app: &TestApp, name: &str) -> i64 {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    argine_storage::orgs::find_by_name(&mut conn, name).await.unwrap().unwrap().id
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
