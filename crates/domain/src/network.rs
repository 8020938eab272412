//! The anti-caporalato network: organisation types, protocols and working groups.
//!
//! Every closed list here has a stable `code` (stored in the database, used in the API and in
//! import files) and a Fluent label key; [`coded!`] writes the three functions once.

use serde::{Deserialize, Serialize};

/// `ALL`, `code()`, `from_code()` and `label_key()` for a closed list of codes.
macro_rules! coded {
    ($(#[$m:meta])* $name:ident, $prefix:literal, { $($(#[$vm:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            pub const ALL: &[$name] = &[$(Self::$variant),+];

            /// Stable code stored in the database and used in the API and in import files.
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// Fluent message id of the label.
            pub fn label_key(self) -> String {
                format!(concat!($prefix, "-{}"), self.code().replace('_', "-"))
            }
        }
    };
}

pub(crate) use coded;

coded!(
    /// The kinds of organisation that act in this field. Italian names are kept where English has
    /// no equivalent (`Prefettura`: the State's office in a province; `Comune`: municipality).
    OrgType, "orgtype", {
        Ministero => "ministero",
        AnciCittalia => "anci_cittalia",
        Regione => "regione",
        Prefettura => "prefettura",
        Comune => "comune",
        /// Ispettorato Territoriale/Nazionale del Lavoro (labour inspectorate).
        IspettoratoLavoro => "ispettorato_lavoro",
        /// ASL/ATS: local health authority.
        AziendaSanitaria => "azienda_sanitaria",
        /// INPS/INAIL: social security and insurance institutes.
        IstitutoPrevidenza => "istituto_previdenza",
        ForzeOrdine => "forze_ordine",
        Sindacato => "sindacato",
        AssociazioneDatoriale => "associazione_datoriale",
        /// Ente del terzo settore: NGO, association, cooperative.
        TerzoSettore => "terzo_settore",
        /// Anti-trafficking body (ente anti-tratta).
        AntiTratta => "anti_tratta",
        /// Reception centre: CAS or SAI.
        CentroAccoglienza => "centro_accoglienza",
        /// Centro Provinciale per l'Istruzione degli Adulti (adult education).
        Cpia => "cpia",
        /// Centro per l'Impiego (public job centre).
        Cpi => "cpi",
        EnteBilaterale => "ente_bilaterale",
        UniversitaRicerca => "universita_ricerca",
    }
);

coded!(
    /// What kind of agreement binds the parties.
    ProtocolKind, "protocol-kind", {
        /// Protocollo d'intesa: a memorandum of understanding between institutions.
        Intesa => "intesa",
        /// Protocollo operativo: operational rules among agencies (e.g. a Prefettura's referral protocol).
        Operativo => "operativo",
        /// Accordo or convenzione with obligations and often funding.
        Accordo => "accordo",
        /// A job-placement protocol (e.g. IDOL: regular jobs for migrants).
        Inserimento => "inserimento",
    }
);

coded!(
    /// How an organisation takes part in a protocol.
    PartyRole, "party-role", {
        Promoter => "promoter",
        Signatory => "signatory",
        Adherent => "adherent",
    }
);

coded!(
    /// Kinds of working group in this field.
    GroupKind, "group-kind", {
        /// Local working group that writes and follows a multi-sector local plan (PLM).
        PlmWorkingGroup => "plm_working_group",
        /// Consiglio Territoriale per l'Immigrazione, chaired by the Prefetto.
        Cti => "cti",
        /// Multi-agency task force (e.g. the Multitasking task force in Mantova).
        TaskForce => "task_force",
        /// Network table of a project or a territory.
        NetworkTable => "network_table",
        Other => "other",
    }
);

coded!(
    /// A member organisation's part in a working group.
    MemberRole, "member-role", {
        Chair => "chair",
        Secretary => "secretary",
        Member => "member",
        Observer => "observer",
    }
);

coded!(
    /// Whether a member organisation attended a meeting.
    Attendance, "attendance", {
        Present => "present",
        Excused => "excused",
        Absent => "absent",
    }
);

coded!(
    /// Where a decision taken in a meeting stands.
    DecisionStatus, "decision-status", {
        Open => "open",
        Done => "done",
        Dropped => "dropped",
    }
);

/// Whether an agreement is in force on `today` (all dates `YYYY-MM-DD`, compared as text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    NotYet,
    InForce,
    Expired,
}

impl Validity {
    pub fn on(today: &str, from: Option<&str>, until: Option<&str>) -> Self {
        if from.is_some_and(|f| today < f) {
            Self::NotYet
        } else if until.is_some_and(|u| today > u) {
            Self::Expired
        } else {
            Self::InForce
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::NotYet => "not_yet",
            Self::InForce => "in_force",
            Self::Expired => "expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for t in OrgType::ALL {
            assert!(seen.insert(t.code()));
            assert_eq!(OrgType::from_code(t.code()), Some(*t));
        }
        assert_eq!(OrgType::from_code("nope"), None);
    }

    #[test]
    fn coded_lists_round_trip() {
        for k in GroupKind::ALL {
            assert_eq!(GroupKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(GroupKind::PlmWorkingGroup.label_key(), "group-kind-plm-working-group");
        assert_eq!(Attendance::from_code("present"), Some(Attendance::Present));
        assert_eq!(ProtocolKind::from_code("Intesa"), None);
    }

    #[test]
    fn validity_by_dates() {
        let v = |t, f, u| Validity::on(t, f, u);
        assert_eq!(v("2026-01-01", Some("2026-02-01"), None), Validity::NotYet);
        assert_eq!(v("2026-02-01", Some("2026-02-01"), Some("2026-02-01")), Validity::InForce);
        assert_eq!(v("2026-02-02", Some("2026-02-01"), Some("2026-02-01")), Validity::Expired);
        assert_eq!(v("2030-01-01", None, None), Validity::InForce);
    }
}
