//! Front-line case work: people met by outreach teams and listening points, their cases, the
//! assessment of exploitation indicators, consent and referral between agencies.
//!
//! The rules here are pure. Who may see what is decided by [`crate::access::authorize`] on
//! [`crate::access::Resource::Case`] and [`crate::access::Resource::CaseField`]; this module
//! says which fields a consent shares ([`consent`]), how identities are encrypted and found
//! again without being revealed ([`identity`], [`blind`]), and what the checklists ask
//! ([`checklist`]).

pub mod blind;
pub mod checklist;
pub mod consent;
pub mod identity;

use crate::network::coded;
use serde::{Deserialize, Serialize};

coded!(
    /// The groups of fields of a person's record a consent may share with another
    /// organisation. The owner organisation sees them all.
    FieldGroup, "case-field", {
        /// Given and family names.
        Names => "names",
        BirthDate => "birth_date",
        /// Telephone.
        Phone => "phone",
        /// Identity and residence documents.
        Documents => "documents",
        /// Residence status: permit type and expiry.
        Residence => "residence",
        /// Work: sector, employer, conditions.
        Employment => "employment",
        /// The exploitation-indicator assessments and their outcome.
        Assessment => "assessment",
        /// The case's notes, plan and follow-ups.
        Notes => "notes",
    }
);

impl FieldGroup {
    /// The groups whose values are encrypted (identity): never in plain text in the database.
    pub fn is_identity(self) -> bool {
        matches!(self, Self::Names | Self::BirthDate | Self::Phone | Self::Documents)
    }

    /// Parses a comma-separated list of codes, refusing unknown ones.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        let mut out = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let f = Self::from_code(part).ok_or_else(|| part.to_owned())?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        Ok(out)
    }

    pub fn list_code(list: &[Self]) -> String {
        list.iter().map(|f| f.code()).collect::<Vec<_>>().join(",")
    }
}

coded!(
    /// The steps of the national guidelines (Linee guida 2021), after the first contact.
    Stage, "case-stage", {
        /// First contact: a person met, nothing assessed yet.
        Contact => "contact",
        /// Screening by the operator: presumed victim (identificazione preliminare).
        PreliminaryIdentification => "preliminary",
        /// Formal identification by the competent body (anti-trafficking body).
        FormalIdentification => "formal",
        /// Protection: safe accommodation, permit procedure.
        Protection => "protection",
        /// Assistance and social and labour inclusion.
        Assistance => "assistance",
        Closed => "closed",
    }
);

coded!(
    /// The outcome of an assessment.
    Outcome, "case-outcome", {
        /// *Identificazione preliminare*: presumed victim.
        PresumedVictim => "presumed_victim",
        NotVictim => "not_victim",
        Unclear => "unclear",
    }
);

coded!(
    /// Residence status (permit type).
    ResidenceStatus, "residence", {
        /// Art. 18 TUI: special cases (social or judicial path).
        Art18 => "art18",
        /// Art. 18-ter TUI (DL 145/2024): victims of art. 603-bis c.p.
        Art18Ter => "art18ter",
        /// Art. 22 c. 12-quater TUI: labour exploitation.
        Art22Quater => "art22_12quater",
        /// Asylum application pending.
        AsylumSeeker => "asylum_seeker",
        /// International or special protection granted.
        Protection => "protection",
        /// Work permit.
        Work => "work",
        /// Other permit.
        Other => "other",
        /// No permit.
        None => "none",
        Unknown => "unknown",
    }
);

coded!(
    Sex, "sex", {
        Female => "f",
        Male => "m",
        Other => "x",
        Unknown => "unknown",
    }
);

coded!(
    /// Age bands of the anonymous counts and of the indicators.
    AgeBand, "ageband", {
        Under18 => "u18",
        From18To24 => "18_24",
        From25To34 => "25_34",
        From35To49 => "35_49",
        From50 => "50",
        Unknown => "unknown",
    }
);

coded!(
    /// Why a case was closed.
    CloseReason, "case-close", {
        /// The plan's goals were reached: the person is safe and autonomous.
        GoalsReached => "goals_reached",
        /// Taken over by another organisation.
        Transferred => "transferred",
        /// The person declined further help.
        Declined => "declined",
        LostContact => "lost_contact",
        /// Moved away from the territory.
        Moved => "moved",
        NotVictim => "not_victim",
        Other => "other",
    }
);

coded!(
    /// The state of a referral.
    ReferralStatus, "referral-status", {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
        /// Withdrawn by the referring organisation, or by the person's consent withdrawal.
        Withdrawn => "withdrawn",
    }
);

coded!(
    /// Where an indicator's evidence comes from.
    EvidenceSource, "evidence", {
        /// What the person said.
        SelfReport => "self_report",
        /// What the operator saw.
        Observation => "observation",
        /// A document (payslip, contract, message).
        Document => "document",
        /// A third party (colleague, inspector, union).
        ThirdParty => "third_party",
    }
);

/// The age band of an age in years.
pub fn age_band(age: Option<u32>) -> AgeBand {
    match age {
        None => AgeBand::Unknown,
        Some(a) if a < 18 => AgeBand::Under18,
        Some(a) if a < 25 => AgeBand::From18To24,
        Some(a) if a < 35 => AgeBand::From25To34,
        Some(a) if a < 50 => AgeBand::From35To49,
        Some(_) => AgeBand::From50,
    }
}

/// Which stages may follow `from`. A case moves forward, may skip steps that do not apply
/// (not everyone goes through formal identification), and can be closed from any stage;
/// a closed case is reopened at the stage it had.
pub fn may_move(from: Stage, to: Stage) -> bool {
    let order = |s: Stage| Stage::ALL.iter().position(|x| *x == s).unwrap_or(0);
    from != Stage::Closed && (to == Stage::Closed || order(to) > order(from))
}

/// A pseudonymous case code: letters and digits without look-alikes (no 0/O, 1/I/L), grouped
/// for reading aloud on the phone, e.g. `MN-7K3Q-X9TA`. It says nothing about the person.
pub fn pseudonym(prefix: &str, random: [u8; 8]) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let chars: String = random.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    format!("{prefix}-{}-{}", &chars[..4], &chars[4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_move_forward_and_close_from_anywhere() {
        assert!(may_move(Stage::Contact, Stage::PreliminaryIdentification));
        assert!(may_move(Stage::Contact, Stage::Assistance));
        assert!(!may_move(Stage::Protection, Stage::Contact));
        assert!(may_move(Stage::Protection, Stage::Closed));
        assert!(!may_move(Stage::Closed, Stage::Assistance));
        assert!(!may_move(Stage::Contact, Stage::Contact));
    }

    #[test]
    fn field_lists_parse_and_refuse_unknown_codes() {
        assert_eq!(
            FieldGroup::parse_list("names, residence,names").unwrap(),
            vec![FieldGroup::Names, FieldGroup::Residence]
        );
        assert_eq!(FieldGroup::parse_list("names,passport"), Err("passport".into()));
        assert_eq!(FieldGroup::list_code(&[FieldGroup::Phone, FieldGroup::Notes]), "phone,notes");
    }

    #[test]
    fn pseudonyms_have_no_look_alikes() {
        let p = pseudonym("MN", [0, 1, 2, 30, 31, 200, 255, 7]);
        assert_eq!(p.len(), "MN-XXXX-XXXX".len());
        assert!(!p[3..].contains(['0', 'O', '1', 'I', 'L']));
    }

    #[test]
    fn age_bands() {
        assert_eq!(age_band(Some(17)), AgeBand::Under18);
        assert_eq!(age_band(Some(18)), AgeBand::From18To24);
        assert_eq!(age_band(Some(49)), AgeBand::From35To49);
        assert_eq!(age_band(Some(50)), AgeBand::From50);
        assert_eq!(age_band(None), AgeBand::Unknown);
    }
}
