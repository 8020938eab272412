//! Walks every protected route × every role × inside/outside the jurisdiction and compares the
//! HTTP outcome with what `authorize` and the policy table grant. Any allow the policy does not
//! grant (a handler that forgot to ask, or asked the wrong question) fails the test.

use crate::helpers::*;
use argine_domain::access::{Action, Actor, Resource, Role, TokenScope, authorize};
use argine_domain::auth::{token, totp};
use argine_domain::network::OrgType;
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::accounts::{self, NewUser, UserStatus};
use argine_storage::{orgs, tokens};

struct RouteCase {
    method: &'static str,
    path: String,
    form: Vec<(&'static str, &'static str)>,
    action: Action,
    resource: Resource,
    api: bool,
}

fn units(u: &[&str]) -> Jurisdiction {
    Jurisdiction::Units(u.iter().map(|x| TerritoryUnit::parse(x).unwrap()).collect())
}

#[tokio::test]
async fn every_route_every_role_inside_and_outside() {
    let app = spawn().await;
    let state = &app.state;
    let cost = state.config.hash_cost;
    let phc = argine_domain::auth::password::hash("matrix-password-123", cost).unwrap();

    // Three organisations: national, one province (Mantova), another province (Foggia); a target
    // user lives in a comune of Mantova.
    let mut tx = state.db.begin().await.unwrap();
    let mk_org = |name: &'static str, j: Jurisdiction| (name, j);
    let specs = [
        mk_org("M-national", Jurisdiction::National),
        mk_org("M-mantova", units(&["provincia:020"])),
        mk_org("M-foggia", units(&["provincia:071"])),
    ];
    let mut org_ids = Vec::new();
    for (name, j) in &specs {
        let id = orgs::create(
            &mut tx,
            orgs::NewOrganisation {
                name,
                org_type: OrgType::Prefettura,
                jurisdiction: j,
                contacts: orgs::Contacts::default(),
            },
        )
        .await
        .unwrap();
        org_ids.push((id, j.clone()));
    }
    let target_org_j = units(&["comune:020030"]);
    let target_org = orgs::create(
        &mut tx,
        orgs::NewOrganisation {
            name: "M-comune-mantova",
            org_type: OrgType::Comune,
            jurisdiction: &target_org_j,
            contacts: orgs::Contacts::default(),
        },
    )
    .await
    .unwrap();
    let target = accounts::create(
        &mut tx,
        NewUser {
            email: "target@m.invalid",
            display_name: "Target",
            org_id: target_org,
            status: UserStatus::Active,
            password_hash: Some(&phc),
            roles: &[Role::Viewer],
        },
    )
    .await
    .unwrap();

    // One actor per role × organisation, with MFA enrolled and an API token.
    struct Who {
        actor: Actor,
        email: String,
        secret: Vec<u8>,
        token: String,
    }
    let mut actors = Vec::new();
    for role in Role::ALL {
        for (oi, (org_id, j)) in org_ids.iter().enumerate() {
            let email = format!("{}-{oi}@m.invalid", role.code());
            let id = accounts::create(
                &mut tx,
                NewUser {
                    email: &email,
                    display_name: &email,
                    org_id: *org_id,
                    status: UserStatus::Active,
                    password_hash: Some(&phc),
                    roles: &[role],
                },
            )
            .await
            .unwrap();
            let secret = totp::new_secret();
            let enc = state.keyring.encrypt(&secret, &format!("users.totp_secret.{id}")).unwrap();
            accounts::enable_totp(&mut tx, id, &enc, 0, &[]).await.unwrap();
            let tok = token::new_secret("argn_");
            tokens::create(
                &mut tx,
                id,
                "m",
                &token::digest(&tok),
                TokenScope::ReadWrite.code(),
                argine_storage::now() + 3600,
            )
            .await
            .unwrap();
            let actor = Actor {
                user_id: id,
                org_id: *org_id,
                jurisdiction: j.clone(),
                roles: vec![role],
                mfa_verified: true,
                mfa_enrolled: true,
                token_scope: None,
            };
            actors.push(Who { actor, email, secret, token: tok });
        }
    }
    // A working group of the province of Mantova, led by the Mantova organisation.
    let (mantova_org, mantova_j) = org_ids[1].clone();
    let group = argine_storage::network::create_group(
        &mut tx,
        &argine_storage::network::NewGroup {
            name: "M-group",
            kind: argine_domain::network::GroupKind::TaskForce,
            unit: Some("provincia:020"),
            lead_org_id: Some(mantova_org),
            description: "",
        },
    )
    .await
    .unwrap();
    let group_res = Resource::WorkingGroup {
        id: group,
        jurisdiction: mantova_j,
        lead_org: Some(mantova_org),
        members: vec![mantova_org],
    };
    // A case of the Mantova organisation, met in the Comune of Mantova.
    let case_attrs = argine_storage::cases::PersonAttributes { comune_code: "020030".into(), ..Default::default() };
    let m_person = argine_storage::cases::insert_person(&mut tx, "MX-AAAA-AAAA", mantova_org, &case_attrs, None, None)
        .await
        .unwrap();
    let m_case = argine_storage::cases::open_case(&mut tx, m_person, mantova_org, "020030", target).await.unwrap();
    // Referred with consent to the Foggia organisation: the case team is Mantova (all fields)
    // and Foggia (names).
    let (foggia_org, _) = org_ids[2].clone();
    let consent = argine_storage::cases::add_consent(
        &mut tx,
        &argine_storage::cases::NewConsent {
            person: m_person,
            purposes: "referral",
            fields: "names",
            recipients: &[foggia_org],
            language: "it",
            given_on: "2026-01-01",
            by: target,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let referral_id = argine_storage::cases::add_referral(
        &mut tx,
        &argine_storage::cases::NewReferral {
            case: m_case,
            from_org: mantova_org,
            to_org: foggia_org,
            consent,
            fields: "names",
            due_on: "2030-01-01",
            by: target,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let case_id = m_case;
    let case_res = Resource::Case(argine_domain::access::CaseAccess {
        case_id: m_case,
        owner_org: mantova_org,
        territory: Some(argine_domain::territory::TerritoryPath::comune("03", "020", "020030")),
        shared: vec![],
        glass_users: vec![],
    });
    let case_field = |field| {
        let Resource::Case(c) = &case_res else { unreachable!() };
        Resource::CaseField { case: c.clone(), field }
    };
    let no_referral = {
        let Resource::Case(c) = &case_res else { unreachable!() };
        Resource::Referral { case: c.clone(), to_org: 0 }
    };
    tx.commit().await.unwrap();

    let target_res = Resource::User { id: target, org_id: target_org, org_jurisdiction: target_org_j.clone() };
    let case_access = argine_web::cases::vault::load(state, case_id).await.unwrap().access;
    let case_res = Resource::Case(case_access.clone());
    let referral_res = Resource::Referral { case: case_access, to_org: foggia_org };
    let cases = |me: &Actor| -> Vec<RouteCase> {
        let self_res = Resource::User { id: me.user_id, org_id: me.org_id, org_jurisdiction: me.jurisdiction.clone() };
        let c = |method, path: &str, form: Vec<(&'static str, &'static str)>, action, resource, api| RouteCase {
            method,
            path: path.to_owned(),
            form,
            action,
            resource,
            api,
        };
        vec![
            c("GET", "/", vec![], Action::ViewDashboard, Resource::System, false),
            c("GET", "/account", vec![], Action::ManageOwnAccount, self_res.clone(), false),
            c("GET", "/account/mfa", vec![], Action::EnrollMfa, self_res.clone(), false),
            c(
                "POST",
                "/account/token",
                vec![("name", ""), ("scope", "read"), ("days", "0")],
                Action::ManageOwnTokens,
                self_res.clone(),
                false,
            ),
            c("POST", "/account/token/999999/revoca", vec![], Action::ManageOwnTokens, self_res.clone(), false),
            c("GET", "/admin/utenti", vec![], Action::ViewUsers, Resource::Users, false),
            c(
                "POST",
                "/admin/utenti",
                vec![("email", "not-an-email"), ("name", "x"), ("roles", "viewer")],
                Action::ViewUsers,
                Resource::Users,
                false,
            ),
            c("GET", &format!("/admin/utenti/{target}"), vec![], Action::ViewUsers, target_res.clone(), false),
            c(
                "POST",
                &format!("/admin/utenti/{target}"),
                vec![("op", "no-such-operation")],
                Action::ManageUsers,
                target_res.clone(),
                false,
            ),
            c("GET", "/rete/organizzazioni", vec![], Action::ViewOrganisations, Resource::Organisations, false),
            c(
                "GET",
                "/rete/organizzazioni/importa",
                vec![],
                Action::ManageOrganisations,
                Resource::Organisation { id: 0, jurisdiction: me.jurisdiction.clone() },
                false,
            ),
            c("GET", "/rete/protocolli", vec![], Action::ViewProtocols, Resource::Network, false),
            c("GET", "/rete/gruppi", vec![], Action::ViewGroups, Resource::Network, false),
            c("GET", &format!("/rete/gruppi/{group}"), vec![], Action::ViewGroups, group_res.clone(), false),
            c(
                "POST",
                &format!("/rete/gruppi/{group}"),
                vec![("op", "no-such-operation")],
                Action::ManageNetwork,
                group_res.clone(),
                false,
            ),
            c("GET", &format!("/api/v1/groups/{group}"), vec![], Action::ViewGroups, group_res.clone(), true),
            c(
                "POST",
                "/rete/organizzazioni",
                vec![("name", ""), ("org_type", "comune")],
                Action::ManageOrganisations,
                Resource::Organisations,
                false,
            ),
            c("GET", "/censimento/questionari", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/versioni/1", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/campagne", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/comuni", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/comuni.csv", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/comuni.xlsx", vec![], Action::ViewCensus, Resource::Census, false),
            c(
                "POST",
                "/censimento/campagne/999999/comuni/999999/riapri",
                vec![("reason", "prova di accesso")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "GET",
                "/censimento/campagne/999999/risposte.csv",
                vec![],
                Action::ViewCensusResponses,
                Resource::Census,
                false,
            ),
            c(
                "GET",
                "/censimento/campagne/999999/risposte.json",
                vec![],
                Action::ViewCensusResponses,
                Resource::Census,
                false,
            ),
            c("GET", "/censimento/versioni/1/xlsform.xlsx", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/versioni/1/guida.pdf", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/nuova", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/comuni/999999", vec![], Action::ViewCensus, Resource::Census, false),
            c(
                "POST",
                "/censimento/campagne/999999/comuni/999999/contatti",
                vec![("channel", "phone"), ("outcome", "reached")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/invii/999999/riprova",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c("POST", "/censimento/campagne/999999/chiudi", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/importa", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/mappa.svg", vec![], Action::ViewCensus, Resource::Census, false),
            c(
                "GET",
                "/censimento/campagne/999999/controllo",
                vec![],
                Action::ViewCensusResponses,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/controllo/accetta",
                vec![("rule", "e3-range"), ("comune", "071029"), ("note", "prova di accesso")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "GET",
                "/censimento/campagne/999999/comuni/999999/dati",
                vec![],
                Action::ViewCensusResponses,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/comuni/999999/correzioni",
                vec![("path", "A1"), ("value", "x"), ("reason", "prova di accesso"), ("source", "altro")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/comuni/999999/correzioni/999999/ritira",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c("GET", "/censimento/campagne/999999/codifica", vec![], Action::ManageCensus, Resource::Census, false),
            c(
                "GET",
                "/censimento/campagne/999999/codifica/A3_altro",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/codifica/A3_altro/codici",
                vec![("code", "PROVA"), ("label", "Prova di accesso")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/codifica/A3_altro/codici/999999/ritira",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/codifica/A3_altro/assegna",
                vec![("sel", "1"), ("t1", "prova"), ("c1", "999999")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "GET",
                "/censimento/campagne/999999/comuni/999999/richiesta",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/comuni/999999/richiesta",
                vec![("path", ""), ("message", "prova di accesso")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c("GET", "/censimento/campagne/999999/richieste", vec![], Action::ManageCensus, Resource::Census, false),
            c(
                "GET",
                "/censimento/campagne/999999/richieste/999999",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/richieste/999999/applica",
                vec![("answered_at", "")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c(
                "POST",
                "/censimento/campagne/999999/richieste/999999/chiudi",
                vec![("answered_at", ""), ("note", "prova di accesso")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c("GET", "/censimento/da-compilare", vec![], Action::ViewDashboard, Resource::System, false),
            c(
                "POST",
                "/censimento/campagne/999999/importa/999999",
                vec![],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            c("POST", "/censimento/versioni/999999/pubblica", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/insediamenti", vec![], Action::ViewSettlements, Resource::Settlements, false),
            c("GET", "/insediamenti/mappa", vec![], Action::ViewSettlements, Resource::Settlements, false),
            c("GET", "/insediamenti/mappa.geojson", vec![], Action::ViewSettlements, Resource::Settlements, false),
            c("GET", "/insediamenti.csv", vec![], Action::ViewSettlements, Resource::Settlements, false),
            c("GET", "/insediamenti.xlsx", vec![], Action::ViewSettlements, Resource::Settlements, false),
            c("GET", "/insediamenti/importa", vec![], Action::ManageSettlements, Resource::Settlements, false),
            c("GET", "/insediamenti/nuovo", vec![], Action::ManageSettlements, Resource::Settlements, false),
            c("POST", "/insediamenti/nuovo", vec![], Action::ManageSettlements, Resource::Settlements, false),
            c(
                "POST",
                "/insediamenti/censimento",
                vec![("campaign", "999999")],
                Action::ManageCensus,
                Resource::Census,
                false,
            ),
            // Services and outreach (issue 7).
            c("GET", "/servizi", vec![], Action::ViewServices, Resource::FieldWork, false),
            c("GET", "/servizi/sportelli", vec![], Action::ViewServices, Resource::FieldWork, false),
            c("GET", "/servizi/unita-mobili", vec![], Action::ViewServices, Resource::FieldWork, false),
            c("GET", "/servizi/999999", vec![], Action::ViewServices, Resource::FieldWork, false),
            c("GET", "/servizi/unita-mobili/999999", vec![], Action::ViewServices, Resource::FieldWork, false),
            c("GET", "/servizi/nuovo", vec![], Action::ManageServices, Resource::FieldWork, false),
            c("POST", "/servizi", vec![("name", "")], Action::ManageServices, Resource::FieldWork, false),
            c("GET", "/servizi/999999/modifica", vec![], Action::ManageServices, Resource::FieldWork, false),
            c("POST", "/servizi/999999", vec![], Action::ManageServices, Resource::FieldWork, false),
            c("POST", "/servizi/999999/sedi", vec![], Action::ManageServices, Resource::FieldWork, false),
            c("POST", "/servizi/unita-mobili", vec![("name", "")], Action::ManageServices, Resource::FieldWork, false),
            c("POST", "/servizi/unita-mobili/999999/tappe", vec![], Action::ManageServices, Resource::FieldWork, false),
            c(
                "POST",
                "/servizi/unita-mobili/999999",
                vec![("name", "")],
                Action::ManageServices,
                Resource::FieldWork,
                false,
            ),
            c(
                "POST",
                "/servizi/unita-mobili/999999/tappe/1/elimina",
                vec![],
                Action::ManageServices,
                Resource::FieldWork,
                false,
            ),
            c("GET", "/uscite", vec![], Action::ViewOutreach, Resource::FieldWork, false),
            c("GET", "/uscite/999999", vec![], Action::ViewOutreach, Resource::FieldWork, false),
            c("GET", "/uscite/nuova", vec![], Action::RecordOutreach, Resource::FieldWork, false),
            c("GET", "/uscite/offline", vec![], Action::RecordOutreach, Resource::FieldWork, false),
            c("POST", "/uscite", vec![("comune", "")], Action::RecordOutreach, Resource::FieldWork, false),
            c("POST", "/uscite/sincronizza", vec![], Action::RecordOutreach, Resource::FieldWork, false),
            c("GET", "/api/v1/services", vec![], Action::ViewServices, Resource::FieldWork, true),
            c("GET", "/api/v1/outreach/teams", vec![], Action::ViewServices, Resource::FieldWork, true),
            c("GET", "/api/v1/outreach/sessions", vec![], Action::ViewOutreach, Resource::FieldWork, true),
            c("POST", "/api/v1/outreach/sessions", vec![], Action::RecordOutreach, Resource::FieldWork, true),
            c("GET", "/api/v1/settlements", vec![], Action::ViewSettlements, Resource::Settlements, true),
            c("GET", "/api/v1/settlements/summary", vec![], Action::ViewSettlements, Resource::Settlements, true),
            c("GET", "/rapporti", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/rapporti/modelli", vec![], Action::ViewCensus, Resource::Census, false),
            c("POST", "/rapporti/modelli", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/rapporti/modelli/nessuno", vec![], Action::ViewCensus, Resource::Census, false),
            c("POST", "/rapporti/modelli/nessuno", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/censimento/campagne/999999/rapporti", vec![], Action::ViewCensus, Resource::Census, false),
            c("POST", "/censimento/campagne/999999/rapporti", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/rapporti/999999", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/rapporti/999999/stato", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/rapporti/999999/pagina", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/rapporti/999999/rapporto.pdf", vec![], Action::ViewCensus, Resource::Census, false),
            c("POST", "/rapporti/999999/pubblica", vec![], Action::ManageCensus, Resource::Census, false),
            c("POST", "/rapporti/999999/ritira", vec![], Action::ManageCensus, Resource::Census, false),
            c("GET", "/api/v1/census/forms", vec![], Action::ViewCensus, Resource::Census, true),
            c(
                "GET",
                "/api/v1/census/campaigns/999999/responses",
                vec![],
                Action::ViewCensusResponses,
                Resource::Census,
                true,
            ),
            c("GET", "/casi/duplicati", vec![], Action::ViewCases, Resource::Cases, false),
            c("POST", "/casi/duplicati/999999/collega", vec![], Action::ManageCase, Resource::Cases, false),
            c("POST", "/casi/duplicati/999999/scollega", vec![], Action::ManageCase, Resource::Cases, false),
            c("GET", "/casi/999999/esporta.json", vec![], Action::ManageCaseData, Resource::Cases, false),
            c("GET", "/casi/999999/esporta.pdf", vec![], Action::ManageCaseData, Resource::Cases, false),
            c("POST", "/casi/999999/cancella", vec![], Action::ManageCaseData, Resource::Cases, false),
            c("GET", "/admin/audit", vec![], Action::ViewAuditLog, Resource::AuditLog, false),
            c("GET", "/admin/job", vec![], Action::ViewJobs, Resource::JobQueue, false),
            c("POST", "/admin/job/999999/riprova", vec![], Action::ViewJobs, Resource::JobQueue, false),
            c("GET", "/api/v1/organisations", vec![], Action::ViewOrganisations, Resource::Organisations, true),
            c("GET", "/api/v1/me", vec![], Action::ViewDashboard, Resource::System, true),
            c("GET", "/territori/priorita", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/territori/priorita.csv?campaign=999999", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/territori/priorita.xlsx?campaign=999999", vec![], Action::ViewCensus, Resource::Census, false),
            c("GET", "/territori/ripartizione", vec![], Action::ViewCensus, Resource::Census, false),
            c(
                "GET",
                "/territori/ripartizione.xlsx?campaign=999999",
                vec![],
                Action::ViewCensus,
                Resource::Census,
                false,
            ),
            c(
                "GET",
                "/territori/ripartizione.pdf?campaign=999999",
                vec![],
                Action::ViewCensus,
                Resource::Census,
                false,
            ),
            c(
                "GET",
                "/api/v1/territories/indicators?campaign=999999",
                vec![],
                Action::ViewCensus,
                Resource::Census,
                true,
            ),
            c("GET", "/api/v1/territories/scores?campaign=999999", vec![], Action::ViewCensus, Resource::Census, true),
            c("POST", "/api/v1/allocations", vec![], Action::ViewCensus, Resource::Census, true),
            c("GET", "/casi", vec![], Action::ViewCases, Resource::Cases, false),
            c("GET", "/casi/nuovo", vec![], Action::ManageCase, Resource::Cases, false),
            c("POST", "/casi/nuovo", vec![], Action::ManageCase, Resource::Cases, false),
            c("GET", &format!("/casi/{m_case}"), vec![], Action::ViewCase, case_res.clone(), false),
            c("POST", &format!("/casi/{m_case}/consensi"), vec![], Action::ManageCase, case_res.clone(), false),
            c(
                "POST",
                &format!("/casi/{m_case}/consensi/999999/revoca"),
                vec![],
                Action::ManageCase,
                case_res.clone(),
                false,
            ),
            c(
                "POST",
                &format!("/casi/{m_case}/valutazioni"),
                vec![("checklist", "nope")],
                Action::ManageCase,
                case_res.clone(),
                false,
            ),
            c("POST", &format!("/casi/{m_case}/invii"), vec![], Action::ManageCase, case_res.clone(), false),
            // The case is checked before the referral is looked for.
            c(
                "POST",
                &format!("/casi/{m_case}/invii/999999/risposta"),
                vec![],
                Action::ViewCase,
                case_res.clone(),
                false,
            ),
            c(
                "POST",
                &format!("/casi/{m_case}/fase"),
                vec![("action", "nope")],
                Action::ManageCase,
                case_res.clone(),
                false,
            ),
            c(
                "POST",
                &format!("/casi/{m_case}/piano"),
                vec![("kind", "nope")],
                Action::ViewCaseField,
                case_field(argine_domain::cases::FieldGroup::Notes),
                false,
            ),
            c(
                "POST",
                &format!("/casi/{m_case}/piano/999999/fatto"),
                vec![],
                Action::ManageCase,
                case_res.clone(),
                false,
            ),
            // Only an anti-trafficking body with an accepted referral; the case has none.
            c(
                "POST",
                &format!("/casi/{m_case}/identificazione"),
                vec![],
                Action::RespondReferral,
                no_referral.clone(),
                false,
            ),
            c(
                "GET",
                &format!("/casi/{m_case}/accesso-straordinario"),
                vec![],
                Action::BreakGlass,
                case_res.clone(),
                false,
            ),
            c(
                "POST",
                &format!("/casi/{m_case}/accesso-straordinario"),
                vec![("reason", "short")],
                Action::BreakGlass,
                case_res.clone(),
                false,
            ),
            c("GET", "/casi/accessi", vec![], Action::ReviewBreakGlass, Resource::Cases, false),
            c("POST", "/casi/accessi/999999", vec![], Action::ReviewBreakGlass, Resource::Cases, false),
            c("GET", "/api/v1/cases", vec![], Action::ViewCases, Resource::Cases, true),
            c("POST", "/api/v1/cases", vec![], Action::ManageCase, Resource::Cases, true),
            c("GET", &format!("/api/v1/cases/{m_case}"), vec![], Action::ViewCase, case_res.clone(), true),
            c("POST", &format!("/api/v1/cases/{m_case}/referrals"), vec![], Action::ManageCase, case_res.clone(), true),
            c(
                "POST",
                &format!("/api/v1/referrals/{referral_id}/response"),
                vec![],
                Action::RespondReferral,
                referral_res.clone(),
                true,
            ),
            c("GET", "/api/v1/cases/indicators", vec![], Action::ViewCaseIndicators, Resource::Cases, true),
            c("GET", "/casi/indicatori", vec![], Action::ViewCaseIndicators, Resource::Cases, false),
        ]
    };

    let mut checked = 0;
    let mut failures = Vec::new();
    for who in &actors {
        let client = app.client();
        let code = totp::code_at(&who.secret, argine_storage::now());
        let r = app.post(&client, "/login", &[("email", &who.email), ("password", "matrix-password-123")]).await;
        assert_eq!(r.status(), 303);
        let r = app.post(&client, "/login/mfa", &[("code", &code)]).await;
        assert_eq!(r.status(), 303, "MFA for {}", who.email);
        for case in cases(&who.actor) {
            let mut actor = who.actor.clone();
            if case.api {
                actor.token_scope = Some(TokenScope::ReadWrite);
            }
            let expected = authorize(&actor, case.action, &case.resource).is_allowed();
            let url = format!("{}{}", app.url, case.path);
            let req = if case.api && case.method == "GET" {
                reqwest::Client::new().get(&url).bearer_auth(&who.token)
            } else if case.api {
                reqwest::Client::new()
                    .post(&url)
                    .bearer_auth(&who.token)
                    .header("content-type", "application/json")
                    .body("{}")
            } else if case.method == "GET" {
                client.get(&url)
            } else {
                client.post(&url).header("Origin", &app.url).form(&case.form)
            };
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let denied = status == 403 || status == 401 || (status == 303 && location(&r).starts_with("/login"));
            if status >= 500 {
                failures.push(format!("{} {} as {}: server error {status}", case.method, case.path, who.email));
            } else if expected == denied {
                failures.push(format!(
                    "{} {} as {} (role {:?}, {:?}): expected {}, got {status}",
                    case.method,
                    case.path,
                    who.email,
                    who.actor.roles,
                    who.actor.jurisdiction,
                    if expected { "allow" } else { "deny" }
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, actors.len() * cases(&actors[0].actor).len());

    // Anonymous: every protected page sends to the login form, every API route answers 401.
    let anon = app.client();
    for case in cases(&actors[0].actor) {
        let url = format!("{}{}", app.url, case.path);
        let r = if case.method == "GET" {
            anon.get(&url).send().await.unwrap()
        } else {
            anon.post(&url).form(&case.form).send().await.unwrap()
        };
        if case.api {
            assert_eq!(r.status(), 401, "{}", case.path);
            assert_eq!(r.headers()["content-type"], "application/problem+json");
        } else {
            assert_eq!(r.status(), 303, "{} {}", case.method, case.path);
            assert!(location(&r).starts_with("/login"), "{}", case.path);
        }
    }

    // Denials are in the audit log.
    let denied = argine_storage::audit::search(
        &state.db,
        &argine_storage::audit::Filter { action: Some("access.denied".into()), limit: 500, ..Default::default() },
    )
    .await
    .unwrap();
    assert!(denied.len() > 50, "only {} denials audited", denied.len());
}

#[tokio::test]
async fn a_provincial_admin_cannot_invite_into_another_province() {
    let app = spawn().await;
    // The demo's coordinator administers the province of Mantova.
    let c = app.login_as("coordinator").await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let foggia = orgs::find_by_name(&mut conn, "Comune di San Severo").await.unwrap().unwrap();
    let mantova = orgs::find_by_name(&mut conn, "Comune di Mantova").await.unwrap().unwrap();
    drop(conn);
    let r = app
        .post(
            &c,
            "/admin/utenti",
            &[("email", "x@y.invalid"), ("name", "X"), ("org", &foggia.id.to_string()), ("roles", "viewer")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post(
            &c,
            "/admin/utenti",
            &[("email", "x@y.invalid"), ("name", "X"), ("org", &mantova.id.to_string()), ("roles", "viewer")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("x@y.invalid"));
    // The users page lists only users inside the jurisdiction.
    let page = app.get(&c, "/admin/utenti").await.text().await.unwrap();
    assert!(page.contains("consultazione@argine.demo.invalid"));
    assert!(!page.contains("referente.sansevero@argine.demo.invalid"));
}
