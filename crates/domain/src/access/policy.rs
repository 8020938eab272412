//! The policy table: which role may do which action, within which scope.
//! Anything not listed here is denied.

use super::{Action, Actor, Resource, Role};
use crate::territory::Jurisdiction;

/// How far a grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any resource of the kind.
    Any,
    /// Resources located inside the actor's organisation's jurisdiction.
    Jurisdiction,
    /// Resources of the actor's own organisation.
    OwnOrganisation,
    /// The actor's own account.
    OwnAccount,
    /// Only actors whose organisation has national jurisdiction.
    National,
    /// Resources the actor's organisation takes part in (a group's member, a protocol's party).
    Member,
    /// Resources the actor's organisation leads (a working group's lead organisation).
    Lead,
    /// A case's team: the owner organisation (every field), the organisations its consents
    /// share it with (the fields shared), users with a break-the-glass access; a referral's
    /// receiving organisation.
    CaseTeam,
    /// The case's owner organisation only.
    CaseOwner,
}

use Action as A;
use Role as R;
use Scope as S;

/// (role, action, scope). Order does not matter; several rows may grant the same action.
pub const POLICY: &[(Role, Action, Scope)] = &[
    // Everyone with an account: the home page, their own account and tokens, MFA enrolment.
    (R::Admin, A::ViewDashboard, S::Any),
    (R::Secretariat, A::ViewDashboard, S::Any),
    (R::Coordinator, A::ViewDashboard, S::Any),
    (R::Operator, A::ViewDashboard, S::Any),
    (R::Supervisor, A::ViewDashboard, S::Any),
    (R::Referent, A::ViewDashboard, S::Any),
    (R::Viewer, A::ViewDashboard, S::Any),
    (R::Admin, A::EnrollMfa, S::OwnAccount),
    (R::Secretariat, A::EnrollMfa, S::OwnAccount),
    (R::Coordinator, A::EnrollMfa, S::OwnAccount),
    (R::Operator, A::EnrollMfa, S::OwnAccount),
    (R::Supervisor, A::EnrollMfa, S::OwnAccount),
    (R::Referent, A::EnrollMfa, S::OwnAccount),
    (R::Viewer, A::EnrollMfa, S::OwnAccount),
    (R::Admin, A::ManageOwnAccount, S::OwnAccount),
    (R::Secretariat, A::ManageOwnAccount, S::OwnAccount),
    (R::Coordinator, A::ManageOwnAccount, S::OwnAccount),
    (R::Operator, A::ManageOwnAccount, S::OwnAccount),
    (R::Supervisor, A::ManageOwnAccount, S::OwnAccount),
    (R::Referent, A::ManageOwnAccount, S::OwnAccount),
    (R::Viewer, A::ManageOwnAccount, S::OwnAccount),
    (R::Admin, A::ManageOwnTokens, S::OwnAccount),
    (R::Secretariat, A::ManageOwnTokens, S::OwnAccount),
    (R::Coordinator, A::ManageOwnTokens, S::OwnAccount),
    (R::Operator, A::ManageOwnTokens, S::OwnAccount),
    (R::Supervisor, A::ManageOwnTokens, S::OwnAccount),
    (R::Referent, A::ManageOwnTokens, S::OwnAccount),
    (R::Viewer, A::ManageOwnTokens, S::OwnAccount),
    // Accounts: administrators within their jurisdiction; supervisors see their own organisation.
    (R::Admin, A::ViewUsers, S::Jurisdiction),
    (R::Admin, A::ManageUsers, S::Jurisdiction),
    (R::Supervisor, A::ViewUsers, S::OwnOrganisation),
    // The network directory is not personal data: every role can read it.
    (R::Admin, A::ViewOrganisations, S::Any),
    (R::Secretariat, A::ViewOrganisations, S::Any),
    (R::Coordinator, A::ViewOrganisations, S::Any),
    (R::Operator, A::ViewOrganisations, S::Any),
    (R::Supervisor, A::ViewOrganisations, S::Any),
    (R::Referent, A::ViewOrganisations, S::Any),
    (R::Viewer, A::ViewOrganisations, S::Any),
    (R::Admin, A::ManageOrganisations, S::Jurisdiction),
    (R::Secretariat, A::ManageOrganisations, S::Jurisdiction),
    (R::Coordinator, A::ManageOrganisations, S::Jurisdiction),
    // The people of the network (names, work contacts): everyone who works with them, not the
    // read-only role, which sees aggregates only. Reads are audited.
    (R::Admin, A::ViewContacts, S::Any),
    (R::Secretariat, A::ViewContacts, S::Any),
    (R::Coordinator, A::ViewContacts, S::Any),
    (R::Operator, A::ViewContacts, S::Any),
    (R::Supervisor, A::ViewContacts, S::Any),
    (R::Referent, A::ViewContacts, S::Any),
    // An organisation's own referent or supervisor keeps its contacts and people up to date.
    (R::Referent, A::ManageOrganisations, S::OwnOrganisation),
    (R::Supervisor, A::ManageOrganisations, S::OwnOrganisation),
    // Protocols are public acts; working groups are visible to their members and to those who
    // coordinate the territory.
    (R::Admin, A::ViewProtocols, S::Any),
    (R::Secretariat, A::ViewProtocols, S::Any),
    (R::Coordinator, A::ViewProtocols, S::Any),
    (R::Operator, A::ViewProtocols, S::Any),
    (R::Supervisor, A::ViewProtocols, S::Any),
    (R::Referent, A::ViewProtocols, S::Any),
    (R::Viewer, A::ViewProtocols, S::Any),
    (R::Admin, A::ViewGroups, S::Jurisdiction),
    (R::Secretariat, A::ViewGroups, S::Any),
    (R::Coordinator, A::ViewGroups, S::Jurisdiction),
    (R::Admin, A::ViewGroups, S::Member),
    (R::Secretariat, A::ViewGroups, S::Member),
    (R::Coordinator, A::ViewGroups, S::Member),
    (R::Operator, A::ViewGroups, S::Member),
    (R::Supervisor, A::ViewGroups, S::Member),
    (R::Referent, A::ViewGroups, S::Member),
    (R::Viewer, A::ViewGroups, S::Member),
    (R::Secretariat, A::ManageNetwork, S::Jurisdiction),
    (R::Coordinator, A::ManageNetwork, S::Jurisdiction),
    (R::Referent, A::ManageNetwork, S::Lead),
    (R::Supervisor, A::ManageNetwork, S::Lead),
    // The census: questionnaires are public documents of the survey, readable by whoever takes
    // part in it; only the national secretariat imports and publishes them and runs campaigns.
    (R::Admin, A::ViewCensus, S::Any),
    (R::Secretariat, A::ViewCensus, S::Any),
    (R::Coordinator, A::ViewCensus, S::Any),
    (R::Referent, A::ViewCensus, S::Any),
    (R::Viewer, A::ViewCensus, S::Any),
    (R::Secretariat, A::ManageCensus, S::National),
    (R::Secretariat, A::ViewCensusResponses, S::National),
    // A Comune's referent answers its census questionnaires through the account.
    (R::Referent, A::AnswerCensus, S::Jurisdiction),
    // The settlement registry: who works on the territory sees its settlements; the exact point
    // of an informal one only those who go there or coordinate the work; field teams and the
    // secretariat record them.
    (R::Secretariat, A::ViewSettlements, S::Jurisdiction),
    (R::Coordinator, A::ViewSettlements, S::Jurisdiction),
    (R::Operator, A::ViewSettlements, S::Jurisdiction),
    (R::Supervisor, A::ViewSettlements, S::Jurisdiction),
    (R::Referent, A::ViewSettlements, S::Jurisdiction),
    (R::Viewer, A::ViewSettlements, S::Jurisdiction),
    (R::Secretariat, A::ViewSettlementLocations, S::Jurisdiction),
    (R::Coordinator, A::ViewSettlementLocations, S::Jurisdiction),
    (R::Operator, A::ViewSettlementLocations, S::Jurisdiction),
    (R::Supervisor, A::ViewSettlementLocations, S::Jurisdiction),
    (R::Secretariat, A::ManageSettlements, S::Jurisdiction),
    (R::Coordinator, A::ManageSettlements, S::Jurisdiction),
    (R::Operator, A::ManageSettlements, S::Jurisdiction),
    // Case work: the case team only. Front-line operators and their supervisors work on their
    // organisation's cases and on the fields a consent shares with them; only the owner
    // changes a case. Supervisors and territorial coordinators may break the glass on cases of
    // their territory (reason, time limit, audit, review). Indicators carry no personal data.
    (R::Operator, A::ViewCases, S::CaseTeam),
    (R::Supervisor, A::ViewCases, S::CaseTeam),
    (R::Operator, A::ViewCase, S::CaseTeam),
    (R::Supervisor, A::ViewCase, S::CaseTeam),
    (R::Coordinator, A::ViewCase, S::CaseTeam),
    (R::Operator, A::ViewCaseField, S::CaseTeam),
    (R::Supervisor, A::ViewCaseField, S::CaseTeam),
    (R::Coordinator, A::ViewCaseField, S::CaseTeam),
    (R::Operator, A::ManageCase, S::CaseOwner),
    (R::Supervisor, A::ManageCase, S::CaseOwner),
    (R::Operator, A::RespondReferral, S::CaseTeam),
    (R::Supervisor, A::RespondReferral, S::CaseTeam),
    (R::Supervisor, A::BreakGlass, S::Jurisdiction),
    (R::Coordinator, A::BreakGlass, S::Jurisdiction),
    (R::Supervisor, A::ReviewBreakGlass, S::CaseOwner),
    (R::Admin, A::ReviewBreakGlass, S::National),
    (R::Supervisor, A::ManageCaseData, S::CaseOwner),
    (R::Secretariat, A::ViewCaseIndicators, S::Any),
    (R::Coordinator, A::ViewCaseIndicators, S::Any),
    (R::Operator, A::ViewCaseIndicators, S::Any),
    (R::Supervisor, A::ViewCaseIndicators, S::Any),
    (R::Viewer, A::ViewCaseIndicators, S::Any),
    // -- Services and outreach (issue 7) ------------------------------------------------------
    // The service directory is public information of the network: every role reads it. An
    // organisation's own staff keep its services and teams; the secretariat and territorial
    // coordinators do it for the places they coordinate.
    (R::Admin, A::ViewServices, S::Any),
    (R::Secretariat, A::ViewServices, S::Any),
    (R::Coordinator, A::ViewServices, S::Any),
    (R::Operator, A::ViewServices, S::Any),
    (R::Supervisor, A::ViewServices, S::Any),
    (R::Referent, A::ViewServices, S::Any),
    (R::Viewer, A::ViewServices, S::Any),
    (R::Operator, A::ManageServices, S::OwnOrganisation),
    (R::Supervisor, A::ManageServices, S::OwnOrganisation),
    (R::Referent, A::ManageServices, S::OwnOrganisation),
    (R::Secretariat, A::ManageServices, S::Jurisdiction),
    (R::Coordinator, A::ManageServices, S::Jurisdiction),
    // Outreach sessions hold anonymous counts only: the organisation's field staff record them;
    // the organisation and those who coordinate the places see them.
    (R::Operator, A::RecordOutreach, S::OwnOrganisation),
    (R::Supervisor, A::RecordOutreach, S::OwnOrganisation),
    (R::Operator, A::ViewOutreach, S::OwnOrganisation),
    (R::Supervisor, A::ViewOutreach, S::OwnOrganisation),
    (R::Referent, A::ViewOutreach, S::OwnOrganisation),
    (R::Secretariat, A::ViewOutreach, S::Jurisdiction),
    (R::Coordinator, A::ViewOutreach, S::Jurisdiction),
    // -- end of services and outreach ---------------------------------------------------------
    // The audit log and the job queue are system-wide: national administrators only.
    (R::Admin, A::ViewAuditLog, S::National),
    (R::Admin, A::ViewJobs, S::National),
];

pub(super) fn scopes_for(role: Role, action: Action) -> impl Iterator<Item = Scope> {
    POLICY.iter().filter(move |(r, a, _)| *r == role && *a == action).map(|(_, _, s)| *s)
}

impl Scope {
    pub(super) fn admits(self, actor: &Actor, resource: &Resource) -> bool {
        match self {
            Self::Any => true,
            Self::National => actor.jurisdiction == Jurisdiction::National,
            Self::OwnAccount => match resource {
                Resource::User { id, .. } => *id == actor.user_id,
                _ => false,
            },
            Self::Member => match resource {
                Resource::Protocol { parties, .. } => parties.contains(&actor.org_id),
                Resource::WorkingGroup { members, lead_org, .. } => {
                    members.contains(&actor.org_id) || *lead_org == Some(actor.org_id)
                }
                Resource::Network => true,
                _ => false,
            },
            Self::Lead => match resource {
                Resource::WorkingGroup { lead_org, .. } => *lead_org == Some(actor.org_id),
                // Creating a group: the list is reachable, the group itself is checked on save.
                Resource::Network => true,
                _ => false,
            },
            Self::OwnOrganisation => match resource {
                Resource::User { org_id, .. } => *org_id == actor.org_id,
                Resource::Organisation { id, .. } => *id == actor.org_id,
                Resource::Users | Resource::Organisations => true,
                Resource::FieldRecord { org_id, .. } => *org_id == actor.org_id,
                Resource::FieldWork => true,
                _ => false,
            },
            Self::CaseTeam => match resource {
                Resource::Cases => true,
                Resource::Case(c) => {
                    c.owner_org == actor.org_id
                        || c.shared_with(actor.org_id).is_some()
                        || c.glass_users.contains(&actor.user_id)
                }
                Resource::CaseField { case, field } => {
                    case.owner_org == actor.org_id
                        || case.shared_with(actor.org_id).is_some_and(|f| f.contains(field))
                        || case.glass_users.contains(&actor.user_id)
                }
                Resource::Referral { to_org, .. } => *to_org == actor.org_id,
                _ => false,
            },
            Self::CaseOwner => match resource {
                Resource::Cases => true,
                Resource::Case(c) | Resource::CaseField { case: c, .. } | Resource::Referral { case: c, .. } => {
                    c.owner_org == actor.org_id
                }
                _ => false,
            },
            Self::Jurisdiction => match resource {
                Resource::User { org_jurisdiction, .. } => actor.jurisdiction.includes(org_jurisdiction),
                Resource::Organisation { jurisdiction, .. }
                | Resource::Protocol { jurisdiction, .. }
                | Resource::WorkingGroup { jurisdiction, .. } => actor.jurisdiction.includes(jurisdiction),
                Resource::Territory(path) => actor.jurisdiction.covers(path),
                Resource::Case(c) => match &c.territory {
                    Some(path) => actor.jurisdiction.covers(path),
                    None => actor.jurisdiction == Jurisdiction::National,
                },
                Resource::FieldRecord { places, .. } => places.iter().any(|p| actor.jurisdiction.covers(p)),
                // Listing is allowed; the listing itself is filtered by jurisdiction.
                Resource::Users
                | Resource::Organisations
                | Resource::Network
                | Resource::Settlements
                | Resource::FieldWork => actor.jurisdiction != Jurisdiction::Nowhere,
                Resource::Cases | Resource::CaseField { .. } | Resource::Referral { .. } => false,
                Resource::System | Resource::AuditLog | Resource::JobQueue | Resource::Census => {
                    actor.jurisdiction == Jurisdiction::National
                }
            },
        }
    }
}
