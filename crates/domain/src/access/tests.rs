use super::*;
use crate::territory::{TerritoryPath, TerritoryUnit};

fn actor(roles: &[Role], jurisdiction: Jurisdiction) -> Actor {
    Actor {
        user_id: 1,
        org_id: 10,
        jurisdiction,
        roles: roles.to_vec(),
        mfa_verified: true,
        mfa_enrolled: true,
        token_scope: None,
    }
}

fn prov(code: &str) -> Jurisdiction {
    Jurisdiction::Units(vec![TerritoryUnit::Province(code.into())])
}

#[test]
fn deny_by_default_without_roles() {
    let a = actor(&[], Jurisdiction::National);
    for action in Action::ALL {
        assert_eq!(authorize(&a, action, &Resource::System), Decision::Deny(Denial::NoGrant));
    }
}

#[test]
fn mfa_gates_everything_but_enrolment() {
    let mut a = actor(&[Role::Operator], prov("020"));
    a.mfa_enrolled = false;
    a.mfa_verified = false;
    let me = Resource::User { id: 1, org_id: 10, org_jurisdiction: prov("020") };
    assert_eq!(authorize(&a, Action::ViewDashboard, &Resource::System), Decision::Deny(Denial::MfaRequired));
    assert_eq!(authorize(&a, Action::EnrollMfa, &me), Decision::Allow);
    // a role that sees no personal data does not need MFA
    let mut v = actor(&[Role::Viewer], prov("020"));
    v.mfa_enrolled = false;
    v.mfa_verified = false;
    assert!(authorize(&v, Action::ViewDashboard, &Resource::System).is_allowed());
}

#[test]
fn admin_is_bounded_by_jurisdiction() {
    let a = actor(&[Role::Admin], prov("020"));
    let inside = Resource::User {
        id: 5,
        org_id: 11,
        org_jurisdiction: Jurisdiction::Units(vec![TerritoryUnit::Comune("020030".into())]),
    };
    let outside = Resource::User { id: 6, org_id: 12, org_jurisdiction: prov("019") };
    let national = Resource::User { id: 7, org_id: 13, org_jurisdiction: Jurisdiction::National };
    assert!(authorize(&a, Action::ManageUsers, &inside).is_allowed());
    assert_eq!(authorize(&a, Action::ManageUsers, &outside), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&a, Action::ManageUsers, &national), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&a, Action::ViewAuditLog, &Resource::AuditLog), Decision::Deny(Denial::OutOfScope));
    let n = actor(&[Role::Admin], Jurisdiction::National);
    assert!(authorize(&n, Action::ViewAuditLog, &Resource::AuditLog).is_allowed());
}

#[test]
fn read_tokens_cannot_write() {
    let mut a = actor(&[Role::Admin], Jurisdiction::National);
    a.token_scope = Some(TokenScope::Read);
    let org = Resource::Organisation { id: 3, jurisdiction: prov("020") };
    assert!(authorize(&a, Action::ViewOrganisations, &org).is_allowed());
    assert_eq!(authorize(&a, Action::ManageOrganisations, &org), Decision::Deny(Denial::TokenScope));
    a.token_scope = Some(TokenScope::ReadWrite);
    assert!(authorize(&a, Action::ManageOrganisations, &org).is_allowed());
}

#[test]
fn territory_resources_follow_jurisdiction() {
    let c = actor(&[Role::Coordinator], prov("020"));
    let mantova = Resource::Territory(TerritoryPath::comune("03", "020", "020030"));
    let roma = Resource::Territory(TerritoryPath::comune("12", "058", "058091"));
    assert!(authorize(&c, Action::ManageOrganisations, &mantova).is_allowed());
    assert!(!authorize(&c, Action::ManageOrganisations, &roma).is_allowed());
}

#[test]
fn every_policy_row_is_reachable() {
    // Each row must allow something for a national actor holding only that role on a fitting resource.
    for (role, action, scope) in POLICY {
        let a = actor(&[*role], Jurisdiction::National);
        let res = match scope {
            Scope::OwnAccount => Resource::User { id: 1, org_id: 10, org_jurisdiction: Jurisdiction::National },
            Scope::OwnOrganisation => Resource::User { id: 2, org_id: 10, org_jurisdiction: Jurisdiction::National },
            Scope::Member | Scope::Lead => group(Some(10), &[10], Jurisdiction::National),
            Scope::CaseTeam | Scope::CaseOwner => Resource::Cases,
            _ => Resource::System,
        };
        assert!(authorize(&a, *action, &res).is_allowed(), "{role:?} {action:?} {scope:?}");
    }
}

fn group(lead: Option<i64>, members: &[i64], j: Jurisdiction) -> Resource {
    Resource::WorkingGroup { id: 1, jurisdiction: j, lead_org: lead, members: members.to_vec() }
}

#[test]
fn working_groups_are_for_members_and_territorial_coordinators() {
    // Actor's organisation is 10.
    let referent = actor(&[Role::Referent], Jurisdiction::Units(vec![TerritoryUnit::Comune("020030".into())]));
    let mine = group(Some(10), &[10, 11], prov("020"));
    let member = group(Some(11), &[10, 11], prov("020"));
    let foreign = group(Some(11), &[11, 12], prov("020"));
    assert!(authorize(&referent, Action::ViewGroups, &mine).is_allowed());
    assert!(authorize(&referent, Action::ManageNetwork, &mine).is_allowed());
    assert!(authorize(&referent, Action::ViewGroups, &member).is_allowed());
    assert_eq!(authorize(&referent, Action::ManageNetwork, &member), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&referent, Action::ViewGroups, &foreign), Decision::Deny(Denial::OutOfScope));

    let coordinator = actor(&[Role::Coordinator], prov("020"));
    assert!(authorize(&coordinator, Action::ManageNetwork, &foreign).is_allowed());
    let elsewhere = group(Some(11), &[11], prov("071"));
    assert_eq!(authorize(&coordinator, Action::ViewGroups, &elsewhere), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&coordinator, Action::ManageNetwork, &elsewhere), Decision::Deny(Denial::OutOfScope));

    let viewer = actor(&[Role::Viewer], prov("020"));
    assert!(authorize(&viewer, Action::ViewGroups, &member).is_allowed());
    assert_eq!(authorize(&viewer, Action::ManageNetwork, &member), Decision::Deny(Denial::NoGrant));
    // Viewers see aggregates only: no names and contacts of people.
    assert_eq!(authorize(&viewer, Action::ViewContacts, &Resource::Organisations), Decision::Deny(Denial::NoGrant));
    // Protocols are public acts.
    let p = Resource::Protocol { id: 1, jurisdiction: prov("071"), parties: vec![99] };
    assert!(authorize(&viewer, Action::ViewProtocols, &p).is_allowed());
    assert_eq!(authorize(&coordinator, Action::ManageNetwork, &p), Decision::Deny(Denial::OutOfScope));
}

#[test]
fn read_tokens_cannot_change_the_network() {
    let mut a = actor(&[Role::Secretariat], Jurisdiction::National);
    a.token_scope = Some(TokenScope::Read);
    assert!(authorize(&a, Action::ViewGroups, &Resource::Network).is_allowed());
    assert_eq!(authorize(&a, Action::ManageNetwork, &Resource::Network), Decision::Deny(Denial::TokenScope));
}

#[test]
fn only_the_national_secretariat_manages_the_census() {
    let national = actor(&[Role::Secretariat], Jurisdiction::National);
    let provincial = actor(&[Role::Secretariat], prov("020"));
    let admin = actor(&[Role::Admin], Jurisdiction::National);
    let operator = actor(&[Role::Operator], Jurisdiction::National);
    assert!(authorize(&national, Action::ManageCensus, &Resource::Census).is_allowed());
    assert_eq!(authorize(&provincial, Action::ManageCensus, &Resource::Census), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&admin, Action::ManageCensus, &Resource::Census), Decision::Deny(Denial::NoGrant));
    assert!(authorize(&provincial, Action::ViewCensus, &Resource::Census).is_allowed());
    // Only a referent answers, and only for the Comuni of its organisation.
    let referent = actor(&[Role::Referent], Jurisdiction::from_units(vec![TerritoryUnit::Comune("020030".into())]));
    let mantova = Resource::Territory(TerritoryPath::comune("03", "020", "020030"));
    let suzzara = Resource::Territory(TerritoryPath::comune("03", "020", "020064"));
    assert!(authorize(&referent, Action::AnswerCensus, &mantova).is_allowed());
    assert_eq!(authorize(&referent, Action::AnswerCensus, &suzzara), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&national, Action::AnswerCensus, &mantova), Decision::Deny(Denial::NoGrant));
    assert!(authorize(&admin, Action::ViewCensus, &Resource::Census).is_allowed());
    assert_eq!(authorize(&operator, Action::ViewCensus, &Resource::Census), Decision::Deny(Denial::NoGrant));
    let mut read_token = national.clone();
    read_token.token_scope = Some(TokenScope::Read);
    assert_eq!(authorize(&read_token, Action::ManageCensus, &Resource::Census), Decision::Deny(Denial::TokenScope));
}

fn case(owner: i64, shared: &[(i64, &[FieldGroup])], glass: &[i64]) -> CaseAccess {
    CaseAccess {
        case_id: 1,
        owner_org: owner,
        territory: Some(TerritoryPath::comune("03", "020", "020030")),
        shared: shared.iter().map(|(o, f)| (*o, f.to_vec())).collect(),
        glass_users: glass.to_vec(),
    }
}

#[test]
fn a_case_is_for_its_team_and_shared_fields_only() {
    use FieldGroup as F;
    // Actor's organisation is 10, user 1.
    let op = actor(&[Role::Operator], prov("020"));
    let own = case(10, &[], &[]);
    let shared = case(20, &[(10, &[F::Names, F::Residence])], &[]);
    let foreign = case(20, &[(30, &[F::Names])], &[]);
    let field = |c: &CaseAccess, f| Resource::CaseField { case: c.clone(), field: f };

    assert!(authorize(&op, Action::ViewCase, &Resource::Case(own.clone())).is_allowed());
    assert!(authorize(&op, Action::ViewCaseField, &field(&own, F::Phone)).is_allowed());
    assert!(authorize(&op, Action::ManageCase, &Resource::Case(own.clone())).is_allowed());

    assert!(authorize(&op, Action::ViewCase, &Resource::Case(shared.clone())).is_allowed());
    assert!(authorize(&op, Action::ViewCaseField, &field(&shared, F::Names)).is_allowed());
    assert_eq!(authorize(&op, Action::ViewCaseField, &field(&shared, F::Phone)), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&op, Action::ManageCase, &Resource::Case(shared.clone())), Decision::Deny(Denial::OutOfScope));
    let referral = Resource::Referral { case: shared.clone(), to_org: 10 };
    assert!(authorize(&op, Action::RespondReferral, &referral).is_allowed());
    let elsewhere = Resource::Referral { case: shared, to_org: 30 };
    assert_eq!(authorize(&op, Action::RespondReferral, &elsewhere), Decision::Deny(Denial::OutOfScope));

    assert_eq!(authorize(&op, Action::ViewCase, &Resource::Case(foreign.clone())), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&op, Action::ViewCaseField, &field(&foreign, F::Names)), Decision::Deny(Denial::OutOfScope));
    // Operators cannot break the glass; supervisors and coordinators of the territory can.
    assert_eq!(authorize(&op, Action::BreakGlass, &Resource::Case(foreign.clone())), Decision::Deny(Denial::NoGrant));
    let sup = actor(&[Role::Supervisor], prov("020"));
    assert!(authorize(&sup, Action::BreakGlass, &Resource::Case(foreign.clone())).is_allowed());
    let far = actor(&[Role::Coordinator], prov("071"));
    assert_eq!(
        authorize(&far, Action::BreakGlass, &Resource::Case(foreign.clone())),
        Decision::Deny(Denial::OutOfScope)
    );
    // With the glass broken the user reads the case, but still cannot change it.
    let broken = case(20, &[], &[1]);
    assert!(authorize(&sup, Action::ViewCaseField, &field(&broken, F::Phone)).is_allowed());
    assert_eq!(authorize(&sup, Action::ManageCase, &Resource::Case(broken)), Decision::Deny(Denial::OutOfScope));
    // Other roles have no access to cases at all.
    for role in [Role::Admin, Role::Secretariat, Role::Referent, Role::Viewer] {
        let a = actor(&[role], Jurisdiction::National);
        assert!(!authorize(&a, Action::ViewCase, &Resource::Case(own.clone())).is_allowed(), "{role:?}");
        assert!(!authorize(&a, Action::ViewCaseField, &field(&own, F::Names)).is_allowed(), "{role:?}");
    }
}

// -- Services and outreach ---------------------------------------------------------------------

fn record(org_id: i64, comune: &str) -> Resource {
    Resource::FieldRecord { org_id, places: vec![TerritoryPath::comune("03", &comune[..3], comune)] }
}

#[test]
fn every_role_reads_the_service_directory() {
    for role in Role::ALL {
        let a = actor(&[role], prov("071"));
        assert!(authorize(&a, Action::ViewServices, &Resource::FieldWork).is_allowed(), "{role:?}");
        assert!(authorize(&a, Action::ViewServices, &record(99, "020030")).is_allowed(), "{role:?}");
    }
}

#[test]
fn services_are_kept_by_their_organisation_and_the_coordinators_of_their_places() {
    // Actor's organisation is 10.
    let operator = actor(&[Role::Operator], prov("020"));
    assert!(authorize(&operator, Action::ManageServices, &record(10, "071051")).is_allowed());
    assert_eq!(authorize(&operator, Action::ManageServices, &record(11, "020030")), Decision::Deny(Denial::OutOfScope));
    let coordinator = actor(&[Role::Coordinator], prov("020"));
    assert!(authorize(&coordinator, Action::ManageServices, &record(11, "020030")).is_allowed());
    assert_eq!(
        authorize(&coordinator, Action::ManageServices, &record(11, "071051")),
        Decision::Deny(Denial::OutOfScope)
    );
    // A service in two places: coordinating one of them is enough.
    let two = Resource::FieldRecord {
        org_id: 11,
        places: vec![TerritoryPath::comune("16", "071", "071051"), TerritoryPath::comune("03", "020", "020017")],
    };
    assert!(authorize(&coordinator, Action::ManageServices, &two).is_allowed());
    // A record with no place: only its organisation and national actors.
    let nowhere = Resource::FieldRecord { org_id: 11, places: vec![] };
    assert_eq!(authorize(&coordinator, Action::ManageServices, &nowhere), Decision::Deny(Denial::OutOfScope));
    for role in [Role::Admin, Role::Viewer] {
        let a = actor(&[role], Jurisdiction::National);
        assert_eq!(authorize(&a, Action::ManageServices, &record(10, "020030")), Decision::Deny(Denial::NoGrant));
    }
    let mut read = operator.clone();
    read.token_scope = Some(TokenScope::Read);
    assert_eq!(authorize(&read, Action::ManageServices, &record(10, "020030")), Decision::Deny(Denial::TokenScope));
}

#[test]
fn outreach_is_recorded_by_field_staff_and_seen_by_the_organisation_and_coordinators() {
    let operator = actor(&[Role::Operator], prov("020"));
    let supervisor = actor(&[Role::Supervisor], prov("020"));
    assert!(authorize(&operator, Action::RecordOutreach, &record(10, "020017")).is_allowed());
    assert!(authorize(&supervisor, Action::RecordOutreach, &record(10, "020017")).is_allowed());
    assert_eq!(authorize(&operator, Action::RecordOutreach, &record(11, "020017")), Decision::Deny(Denial::OutOfScope));
    // Coordinators see the counts of their places but do not record sessions for others.
    let coordinator = actor(&[Role::Coordinator], prov("020"));
    assert!(authorize(&coordinator, Action::ViewOutreach, &record(11, "020017")).is_allowed());
    assert_eq!(
        authorize(&coordinator, Action::ViewOutreach, &record(11, "071051")),
        Decision::Deny(Denial::OutOfScope)
    );
    assert_eq!(authorize(&coordinator, Action::RecordOutreach, &record(10, "020017")), Decision::Deny(Denial::NoGrant));
    let referent = actor(&[Role::Referent], prov("020"));
    assert!(authorize(&referent, Action::ViewOutreach, &record(10, "071051")).is_allowed());
    assert_eq!(authorize(&referent, Action::ViewOutreach, &record(11, "020017")), Decision::Deny(Denial::OutOfScope));
    assert_eq!(authorize(&referent, Action::RecordOutreach, &record(10, "020017")), Decision::Deny(Denial::NoGrant));
    for role in [Role::Admin, Role::Viewer] {
        let a = actor(&[role], Jurisdiction::National);
        assert_eq!(authorize(&a, Action::ViewOutreach, &Resource::FieldWork), Decision::Deny(Denial::NoGrant));
    }
    let mut read = operator.clone();
    read.token_scope = Some(TokenScope::Read);
    assert!(authorize(&read, Action::ViewOutreach, &record(10, "020017")).is_allowed());
    assert_eq!(authorize(&read, Action::RecordOutreach, &record(10, "020017")), Decision::Deny(Denial::TokenScope));
}
