//! Consent: what the person agreed to, explained in their language by a named mediator, and
//! whether it covers a referral. A referral is blocked unless an active consent names the
//! receiving organisation, the purpose and every field group to be shared.

use super::FieldGroup;
use crate::network::coded;
use serde::{Deserialize, Serialize};

coded!(
    /// What a consent allows.
    Purpose, "consent-purpose", {
        /// Keeping the record and working on the case in the owner organisation.
        CaseWork => "case_work",
        /// Sending the person to another organisation's service, sharing the fields named.
        Referral => "referral",
        /// Linking this record with the same person's record in another organisation.
        DuplicateLink => "duplicate_link",
        /// Being contacted by telephone.
        Contact => "contact",
    }
);

/// A consent as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub id: i64,
    pub purposes: Vec<Purpose>,
    pub fields: Vec<FieldGroup>,
    /// Organisations the consent names.
    pub recipients: Vec<i64>,
    pub withdrawn: bool,
}

/// Why a consent does not cover what is asked (message ids `consent-gap-<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The person gave no consent at all.
    NoConsent,
    /// Every consent that would cover it was withdrawn.
    Withdrawn,
    /// No consent has the purpose.
    Purpose,
    /// No consent names the organisation.
    Recipient,
    /// The consents naming the organisation do not share these fields.
    Fields(Vec<FieldGroup>),
}

impl Gap {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoConsent => "none",
            Self::Withdrawn => "withdrawn",
            Self::Purpose => "purpose",
            Self::Recipient => "recipient",
            Self::Fields(_) => "fields",
        }
    }
}

/// The consent that covers sharing `fields` with `to_org` for `purpose`, or the closest gap.
pub fn covering(consents: &[Consent], purpose: Purpose, to_org: i64, fields: &[FieldGroup]) -> Result<i64, Gap> {
    if consents.is_empty() {
        return Err(Gap::NoConsent);
    }
    let mut gap = Gap::Purpose;
    let rank = |g: &Gap| match g {
        Gap::NoConsent | Gap::Purpose => 0,
        Gap::Recipient => 1,
        Gap::Withdrawn => 2,
        Gap::Fields(_) => 3,
    };
    for c in consents {
        if !c.purposes.contains(&purpose) {
            continue;
        }
        let this = if !c.recipients.contains(&to_org) {
            Gap::Recipient
        } else {
            let missing: Vec<FieldGroup> = fields.iter().copied().filter(|f| !c.fields.contains(f)).collect();
            if !missing.is_empty() {
                Gap::Fields(missing)
            } else if c.withdrawn {
                Gap::Withdrawn
            } else {
                return Ok(c.id);
            }
        };
        if rank(&this) >= rank(&gap) {
            gap = this;
        }
    }
    Err(gap)
}

/// The field groups `org` may see: those of its live referrals (pending or accepted) whose
/// consent is still active, each limited to what that consent shares.
pub fn shared_fields(referrals: &[(i64, &[FieldGroup], Option<&Consent>)], org: i64) -> Vec<FieldGroup> {
    let mut out = Vec::new();
    for (to_org, fields, consent) in referrals {
        let Some(c) = consent else { continue };
        if *to_org != org || c.withdrawn || !c.recipients.contains(&org) {
            continue;
        }
        for f in fields.iter().filter(|f| c.fields.contains(f)) {
            if !out.contains(f) {
                out.push(*f);
            }
        }
    }
    out.sort_by_key(|f| FieldGroup::ALL.iter().position(|x| x == f));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldGroup as F;

    fn consent(id: i64, recipients: &[i64], fields: &[F], withdrawn: bool) -> Consent {
        Consent {
            id,
            purposes: vec![Purpose::CaseWork, Purpose::Referral],
            fields: fields.to_vec(),
            recipients: recipients.to_vec(),
            withdrawn,
        }
    }

    #[test]
    fn a_referral_needs_recipient_fields_and_an_active_consent() {
        let cs = [consent(1, &[7], &[F::Names, F::Residence], false)];
        assert_eq!(covering(&cs, Purpose::Referral, 7, &[F::Names]), Ok(1));
        assert_eq!(covering(&cs, Purpose::Referral, 8, &[F::Names]), Err(Gap::Recipient));
        assert_eq!(covering(&cs, Purpose::Referral, 7, &[F::Names, F::Phone]), Err(Gap::Fields(vec![F::Phone])));
        assert_eq!(covering(&cs, Purpose::DuplicateLink, 7, &[]), Err(Gap::Purpose));
        assert_eq!(covering(&[], Purpose::Referral, 7, &[]), Err(Gap::NoConsent));
        let withdrawn = [consent(2, &[7], &[F::Names], true)];
        assert_eq!(covering(&withdrawn, Purpose::Referral, 7, &[F::Names]), Err(Gap::Withdrawn));
        // A later consent covers what a withdrawn one no longer does.
        let both = [consent(2, &[7], &[F::Names], true), consent(3, &[7], &[F::Names], false)];
        assert_eq!(covering(&both, Purpose::Referral, 7, &[F::Names]), Ok(3));
    }

    #[test]
    fn shared_fields_follow_live_consents_only() {
        let c = consent(1, &[7], &[F::Names, F::Residence], false);
        let gone = consent(2, &[7, 9], &[F::Phone], true);
        let fields_a = [F::Names, F::Phone];
        let fields_b = [F::Phone];
        let refs = [(7, &fields_a[..], Some(&c)), (9, &fields_b[..], Some(&gone)), (7, &fields_b[..], None)];
        // Phone asked for org 7 but not in its consent; org 9's consent was withdrawn.
        assert_eq!(shared_fields(&refs, 7), vec![F::Names]);
        assert!(shared_fields(&refs, 9).is_empty());
        assert!(shared_fields(&refs, 5).is_empty());
    }
}
