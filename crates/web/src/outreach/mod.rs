//! Services, listening points, itinerant teams and outreach sessions (issue 7, items 1, 2, 9):
//! the directory under `/servizi` (shaped like Open Referral HSDS), sessions under `/uscite`
//! with their anonymous counts, the offline mode of the phone (`/uscite/offline`, synced to
//! `/uscite/sincronizza`) and the API.
//!
//! Nothing here is personal data of the people met: sessions hold counts by sex, age band,
//! nationality and sector. Who may do what is [`authorize`] on `Resource::FieldRecord` (the
//! owning organisation and the Comuni of the record) and `Resource::FieldWork` (the lists).

pub mod api;
pub mod services;
pub mod sessions;

use crate::territory::Territory;
use argine_domain::access::{Action, Actor, Resource, authorize};
use argine_domain::territory::TerritoryPath;
use argine_storage::outreach::{Session, Team};
use argine_storage::services::{Directory, Service};

/// The territory path of a Comune, when the reference data knows it.
pub(crate) fn path_of(t: &Territory, comune: &str) -> Option<TerritoryPath> {
    t.resolve(comune).map(|r| TerritoryPath::comune(&r.current.region_code, &r.current.province_code, &r.current.istat))
}

/// The Comune's name, or its code when unknown.
pub(crate) fn comune_name(t: &Territory, comune: &str) -> String {
    t.resolve(comune).map_or_else(|| comune.to_owned(), |r| r.current.name.clone())
}

pub(crate) fn service_resource(t: &Territory, d: &Directory, s: &Service) -> Resource {
    Resource::FieldRecord {
        org_id: s.org_id,
        places: d.places_of(s.id).iter().filter_map(|(_, l)| path_of(t, &l.comune_code)).collect(),
    }
}

pub(crate) fn team_resource(t: &Territory, team: &Team) -> Resource {
    Resource::FieldRecord { org_id: team.org_id, places: path_of(t, &team.comune_code).into_iter().collect() }
}

pub(crate) fn session_resource(t: &Territory, s: &Session) -> Resource {
    Resource::FieldRecord { org_id: s.org_id, places: path_of(t, &s.comune_code).into_iter().collect() }
}

pub(crate) fn can(actor: &Actor, action: Action, r: &Resource) -> bool {
    authorize(actor, action, r).is_allowed()
}

pub(crate) fn today() -> String {
    argine_domain::calendar::rome_local(time::OffsetDateTime::now_utc()).date().to_string()
}

/// Labels of space-separated language codes.
pub(crate) fn language_labels(tr: &crate::i18n::Tr, codes: &str) -> String {
    codes.split_whitespace().map(|c| tr.t(&format!("language-{c}"))).collect::<Vec<_>>().join(", ")
}

/// (code, label, checked) for the language checkboxes.
pub(crate) fn language_choices(tr: &crate::i18n::Tr, chosen: &str) -> Vec<(&'static str, String, bool)> {
    argine_domain::outreach::LANGUAGES
        .iter()
        .map(|c| (*c, tr.t(&format!("language-{c}")), chosen.split_whitespace().any(|x| x == *c)))
        .collect()
}
