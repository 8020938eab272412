//! Organisation types of the anti-caporalato network.

use serde::{Deserialize, Serialize};

/// The kinds of organisation that act in this field. Italian names are kept where English has
/// no equivalent (`Prefettura`: the State's office in a province; `Comune`: municipality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    Ministero,
    AnciCittalia,
    Regione,
    Prefettura,
    Comune,
    /// Ispettorato Territoriale/Nazionale del Lavoro (labour inspectorate).
    IspettoratoLavoro,
    /// ASL/ATS: local health authority.
    AziendaSanitaria,
    /// INPS/INAIL: social security and insurance institutes.
    IstitutoPrevidenza,
    ForzeOrdine,
    Sindacato,
    AssociazioneDatoriale,
    /// Ente del terzo settore: NGO, association, cooperative.
    TerzoSettore,
    /// Anti-trafficking body (ente anti-tratta).
    AntiTratta,
    /// Reception centre: CAS or SAI.
    CentroAccoglienza,
    /// Centro Provinciale per l'Istruzione degli Adulti (adult education).
    Cpia,
    /// Centro per l'Impiego (public job centre).
    Cpi,
    EnteBilaterale,
    UniversitaRicerca,
}

impl OrgType {
    pub const ALL: [OrgType; 18] = [
        Self::Ministero,
        Self::AnciCittalia,
        Self::Regione,
        Self::Prefettura,
        Self::Comune,
        Self::IspettoratoLavoro,
        Self::AziendaSanitaria,
        Self::IstitutoPrevidenza,
        Self::ForzeOrdine,
        Self::Sindacato,
        Self::AssociazioneDatoriale,
        Self::TerzoSettore,
        Self::AntiTratta,
        Self::CentroAccoglienza,
        Self::Cpia,
        Self::Cpi,
        Self::EnteBilaterale,
        Self::UniversitaRicerca,
    ];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ministero => "ministero",
            Self::AnciCittalia => "anci_cittalia",
            Self::Regione => "regione",
            Self::Prefettura => "prefettura",
            Self::Comune => "comune",
            Self::IspettoratoLavoro => "ispettorato_lavoro",
            Self::AziendaSanitaria => "azienda_sanitaria",
            Self::IstitutoPrevidenza => "istituto_previdenza",
            Self::ForzeOrdine => "forze_ordine",
            Self::Sindacato => "sindacato",
            Self::AssociazioneDatoriale => "associazione_datoriale",
            Self::TerzoSettore => "terzo_settore",
            Self::AntiTratta => "anti_tratta",
            Self::CentroAccoglienza => "centro_accoglienza",
            Self::Cpia => "cpia",
            Self::Cpi => "cpi",
            Self::EnteBilaterale => "ente_bilaterale",
            Self::UniversitaRicerca => "universita_ricerca",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Fluent message id of the type's label.
    pub fn label_key(self) -> String {
        format!("orgtype-{}", self.code().replace('_', "-"))
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
            assert_eq!(OrgType::from_code(t.code()), Some(t));
        }
        assert_eq!(OrgType::from_code("nope"), None);
    }
}
