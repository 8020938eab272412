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
            Self::OwnOrganisation => match resource {
                Resource::User { org_id, .. } => *org_id == actor.org_id,
                Resource::Organisation { id, .. } => *id == actor.org_id,
                Resource::Users | Resource::Organisations => true,
                _ => false,
            },
            Self::Jurisdiction => match resource {
                Resource::User { org_jurisdiction, .. } => actor.jurisdiction.includes(org_jurisdiction),
                Resource::Organisation { jurisdiction, .. } => actor.jurisdiction.includes(jurisdiction),
                Resource::Territory(path) => actor.jurisdiction.covers(path),
                // Listing is allowed; the listing itself is filtered by jurisdiction.
                Resource::Users | Resource::Organisations => actor.jurisdiction != Jurisdiction::Nowhere,
                Resource::System | Resource::AuditLog | Resource::JobQueue => {
                    actor.jurisdiction == Jurisdiction::National
                }
            },
        }
    }
}
