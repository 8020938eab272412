//! The one authorization function of argine.
//!
//! Every page, API route and CLI command that touches data asks [`authorize`]. The decision is
//! a pure function of the actor (roles, organisation, its jurisdiction, MFA state, token
//! scope), the action and the resource. Whatever [`POLICY`] does not grant is denied.

mod policy;

pub use policy::{POLICY, Scope};

use crate::cases::FieldGroup;
use crate::territory::{Jurisdiction, TerritoryPath};
use serde::{Deserialize, Serialize};

/// A role a user holds in their organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator: users, organisations, audit log, jobs.
    Admin,
    /// National technical secretariat (ANCI/Cittalia): census, analysis, network.
    Secretariat,
    /// Territorial coordination (Prefettura, Regione): dashboards and network of its territory.
    Coordinator,
    /// Front-line operator (outreach, listening point): records people and cases.
    Operator,
    /// Supervisor of front-line operators.
    Supervisor,
    /// Referente comunale: answers the census, works on the local plan.
    Referent,
    /// Read-only access to aggregate data.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Self::Admin,
        Self::Secretariat,
        Self::Coordinator,
        Self::Operator,
        Self::Supervisor,
        Self::Referent,
        Self::Viewer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Secretariat => "secretariat",
            Self::Coordinator => "coordinator",
            Self::Operator => "operator",
            Self::Supervisor => "supervisor",
            Self::Referent => "referent",
            Self::Viewer => "viewer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Roles that can see personal data must use a second factor.
    pub fn requires_mfa(self) -> bool {
        matches!(self, Self::Admin | Self::Secretariat | Self::Coordinator | Self::Operator | Self::Supervisor)
    }

    pub fn label_key(self) -> String {
        format!("role-{}", self.code())
    }
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the home page and the navigation.
    ViewDashboard,
    /// Enrol or change one's own second factor; allowed before MFA is set up.
    EnrollMfa,
    /// See and change one's own account (password, sessions, language).
    ManageOwnAccount,
    /// Create and revoke one's own API tokens.
    ManageOwnTokens,
    ViewUsers,
    ManageUsers,
    ViewOrganisations,
    ManageOrganisations,
    ViewAuditLog,
    ViewJobs,
    /// See the names and contacts of the people of the network (personal data, audited).
    ViewContacts,
    /// See protocols and agreements (public acts).
    ViewProtocols,
    /// See working groups, their meetings, minutes and decisions.
    ViewGroups,
    /// Create and change protocols, working groups, meetings, minutes and decisions.
    ManageNetwork,
    /// See the census questionnaires (definitions, versions), campaigns and their aggregate
    /// progress.
    ViewCensus,
    /// Import and publish questionnaires, run campaigns (the national secretariat).
    ManageCensus,
    /// Read the census responses one by one — exports, the responses API: they name the
    /// Comuni's referents and their contacts (personal data, audited). A read: a read-scoped
    /// API token of the secretariat may do it.
    ViewCensusResponses,
    /// Fill in the census questionnaire of a Comune through one's account (the Comune's
    /// referent), on `Resource::Territory` of that Comune.
    AnswerCensus,
    /// See the settlement registry — settlements, their Comune, their observations — on
    /// `Resource::Territory` of the settlement's Comune (`Resource::Settlements` for the list,
    /// filtered item by item).
    ViewSettlements,
    /// See the exact position of an informal settlement (otherwise only its Comune is shown):
    /// the people living there are exposed by it.
    ViewSettlementLocations,
    /// Add and change settlements and their observations (field teams, the secretariat).
    ManageSettlements,
    // --- Case work (people and cases) ---
    /// List the cases one may open (`Resource::Cases`; the list is filtered case by case).
    ViewCases,
    /// Open a case: its pseudonymous code, stage, timeline, referrals (`Resource::Case`).
    ViewCase,
    /// Read one group of a person's fields (`Resource::CaseField`): the owner organisation
    /// sees them all, a receiving organisation only what the consent shares. Audited.
    ViewCaseField,
    /// Record people and cases, consents, assessments, referrals, plans (the owner
    /// organisation; `Resource::Cases` to open a new one).
    ManageCase,
    /// Accept or decline a referral addressed to one's organisation (`Resource::Referral`).
    RespondReferral,
    /// "Break the glass": time-limited access to a case outside one's team, with a written
    /// reason, audited and reviewed (`Resource::Case`, on the case's territory).
    BreakGlass,
    /// Review break-the-glass accesses.
    ReviewBreakGlass,
    /// Answer a data subject's access request (complete export) and erase a record where the
    /// law allows (the owner organisation's supervisor).
    ManageCaseData,
    /// Indicators of case work without personal data (counts under the disclosure threshold
    /// withheld).
    ViewCaseIndicators,
    // -- Services and outreach (issue 7, items 1, 2, 9): no personal data. --------------------
    /// See the service directory, listening points and itinerant teams (every role).
    ViewServices,
    /// Add and change an organisation's services, locations, listening points and teams, on
    /// `Resource::FieldRecord` of the organisation (`Resource::FieldWork` for the lists).
    ManageServices,
    /// Record outreach sessions with their anonymous counts (the organisation's field staff).
    RecordOutreach,
    /// See outreach sessions and their totals (anonymous counts).
    ViewOutreach,
    // -- end of services and outreach ---------------------------------------------------------
}

impl Action {
    pub const ALL: [Action; 34] = [
        Self::ViewDashboard,
        Self::EnrollMfa,
        Self::ManageOwnAccount,
        Self::ManageOwnTokens,
        Self::ViewUsers,
        Self::ManageUsers,
        Self::ViewOrganisations,
        Self::ManageOrganisations,
        Self::ViewAuditLog,
        Self::ViewJobs,
        Self::ViewContacts,
        Self::ViewProtocols,
        Self::ViewGroups,
        Self::ManageNetwork,
        Self::ViewCensus,
        Self::ManageCensus,
        Self::ViewCensusResponses,
        Self::AnswerCensus,
        Self::ViewSettlements,
        Self::ViewSettlementLocations,
        Self::ManageSettlements,
        Self::ViewCases,
        Self::ViewCase,
        Self::ViewCaseField,
        Self::ManageCase,
        Self::RespondReferral,
        Self::BreakGlass,
        Self::ReviewBreakGlass,
        Self::ManageCaseData,
        Self::ViewCaseIndicators,
        // services and outreach
        Self::ViewServices,
        Self::ManageServices,
        Self::RecordOutreach,
        Self::ViewOutreach,
    ];

    /// Writes need a token with the write scope.
    pub fn is_write(self) -> bool {
        matches!(
            self,
            Self::EnrollMfa
                | Self::ManageOwnAccount
                | Self::ManageOwnTokens
                | Self::ManageUsers
                | Self::ManageOrganisations
                | Self::ManageNetwork
                | Self::ManageCensus
                | Self::AnswerCensus
                | Self::ManageSettlements
                | Self::ManageCase
                | Self::RespondReferral
                | Self::BreakGlass
                | Self::ReviewBreakGlass
                | Self::ManageCaseData
                // services and outreach
                | Self::ManageServices
                | Self::RecordOutreach
        )
    }
}

/// What the action is done to, with the attributes the policy needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// The application as a whole (home page, navigation).
    System,
    /// A user account.
    User {
        id: i64,
        org_id: i64,
        org_jurisdiction: Jurisdiction,
    },
    /// The list of users of a jurisdiction (the admin can only list what they administer).
    Users,
    Organisation {
        id: i64,
        jurisdiction: Jurisdiction,
    },
    /// The directory of organisations.
    Organisations,
    /// A place: records attached to it follow its rules.
    Territory(TerritoryPath),
    AuditLog,
    JobQueue,
    /// A protocol or agreement: the territory it covers and its parties.
    Protocol {
        id: i64,
        jurisdiction: Jurisdiction,
        parties: Vec<i64>,
    },
    /// A working group (with its meetings, minutes and decisions).
    WorkingGroup {
        id: i64,
        jurisdiction: Jurisdiction,
        lead_org: Option<i64>,
        members: Vec<i64>,
    },
    /// The lists of protocols and working groups (each list is filtered item by item).
    Network,
    /// The national census: questionnaires and campaigns.
    Census,
    /// The settlement registry as a list (each settlement is checked on its Comune).
    Settlements,
    /// The list of cases (each case is checked on its own).
    Cases,
    /// One case and the person it is about.
    Case(CaseAccess),
    /// One group of fields of a case's person.
    CaseField {
        case: CaseAccess,
        field: FieldGroup,
    },
    /// A referral, to the organisation it is addressed to.
    Referral {
        case: CaseAccess,
        to_org: i64,
    },
    // -- Services and outreach --------------------------------------------------------------
    /// A record of an organisation's front-line work — a service, a location, a team, an
    /// outreach session — and the places (Comuni) where it happens: its own organisation and
    /// whoever coordinates one of those places reach it.
    FieldRecord {
        org_id: i64,
        places: Vec<TerritoryPath>,
    },
    /// The lists of services, teams and sessions (filtered item by item), and creating one for
    /// one's own organisation (the record itself is checked on save).
    FieldWork,
    // -- end of services and outreach -------------------------------------------------------
}

/// What the policy needs to know about a case: its team.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseAccess {
    /// The case's id (for the audit log; the decision does not depend on it).
    pub case_id: i64,
    pub owner_org: i64,
    /// Where the person was met (the case's Comune), for break-the-glass access.
    pub territory: Option<TerritoryPath>,
    /// Organisations with a live referral covered by an active consent, and the field groups
    /// the consent shares with each (`crate::cases::consent::shared_fields`).
    pub shared: Vec<(i64, Vec<FieldGroup>)>,
    /// Users holding an unexpired break-the-glass access.
    pub glass_users: Vec<i64>,
}

impl CaseAccess {
    pub fn shared_with(&self, org: i64) -> Option<&[FieldGroup]> {
        self.shared.iter().find(|(o, _)| *o == org).map(|(_, f)| f.as_slice())
    }
}

/// Scope of an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    Read,
    ReadWrite,
}

impl TokenScope {
    pub fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::ReadWrite => "read_write",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "read" => Some(Self::Read),
            "read_write" => Some(Self::ReadWrite),
            _ => None,
        }
    }
}

/// Who acts: an authenticated user through a session or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub org_id: i64,
    pub jurisdiction: Jurisdiction,
    pub roles: Vec<Role>,
    /// The second factor was verified in this session (always true for API tokens, which only
    /// MFA-authenticated users can create).
    pub mfa_verified: bool,
    /// Whether the account has a second factor configured.
    pub mfa_enrolled: bool,
    /// `Some` when acting through an API token.
    pub token_scope: Option<TokenScope>,
}

impl Actor {
    pub fn requires_mfa(&self) -> bool {
        self.roles.iter().any(|r| r.requires_mfa())
    }
}

/// Why access was denied; never shown in detail to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The second factor must be set up or verified first.
    MfaRequired,
    /// No role of the actor grants the action.
    NoGrant,
    /// A grant exists, but the resource is outside its scope.
    OutOfScope,
    /// The API token's scope does not allow writes.
    TokenScope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny(Denial),
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        matches!(self, Self::Allow)
    }
}

/// Decides whether `actor` may do `action` on `resource`. Deny by default.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    if actor.requires_mfa() && !(actor.mfa_enrolled && actor.mfa_verified) && action != Action::EnrollMfa {
        return Decision::Deny(Denial::MfaRequired);
    }
    if action == Action::EnrollMfa && actor.token_scope.is_some() {
        return Decision::Deny(Denial::TokenScope);
    }
    if action.is_write() && actor.token_scope == Some(TokenScope::Read) {
        return Decision::Deny(Denial::TokenScope);
    }
    let mut granted = false;
    for role in &actor.roles {
        for scope in policy::scopes_for(*role, action) {
            granted = true;
            if scope.admits(actor, resource) {
                return Decision::Allow;
            }
        }
    }
    Decision::Deny(if granted { Denial::OutOfScope } else { Denial::NoGrant })
}

#[cfg(test)]
mod tests;
