//! The tables that pin the synthetic census to the published figures: which real Comuni hold
//! the 150 informal settlements, the regional quotas of Comuni with workers and with housing,
//! and how agricultural each province is.
//!
//! Everything here is *chosen* to reproduce [`super::PUBLISHED`] and to be plausible; only the
//! totals, the regional and provincial counts of Comuni with informal settlements and the two
//! largest settlements come from the sources. The Comuni are real agricultural Comuni known for
//! seasonal labour, but which Comune holds how many settlements is invented.

/// A Comune that has informal settlements in every synthetic census.
pub(crate) struct SettlementComune {
    pub istat: &'static str,
    pub name: &'static str,
    /// Number of informal settlements (instances of the `insediamenti` repeat).
    pub settlements: u32,
    /// Whether the Comune also has structures (the `strutture` repeat).
    pub with_structures: bool,
    /// Relative size of its settlements (people are apportioned by it).
    pub scale: f64,
    /// Settlements with a known name, first in the repeat.
    pub named: &'static [NamedSettlement],
}

/// A settlement known by name; `people`, `year` and `stable` are fixed when given.
pub(crate) struct NamedSettlement {
    pub name: &'static str,
    /// `tipo_sist` choice names, space-separated.
    pub shelters: &'static str,
    pub people: Option<u32>,
    pub year: Option<u16>,
    pub stable: Option<bool>,
}

const fn named(name: &'static str, shelters: &'static str) -> NamedSettlement {
    NamedSettlement { name, shelters, people: None, year: None, stable: None }
}

/// Manfredonia: Borgo Mezzanone, the largest settlement (≈4,000 people, published).
pub const MANFREDONIA: &str = "071029";
/// San Severo: the Gran Ghetto di Rignano (>2,000 people, published).
pub const SAN_SEVERO: &str = "071051";

/// The 38 Comuni with informal settlements: Puglia 12 (Foggia 8, BAT 2, Lecce 1, Taranto 1),
/// Sicilia 8 (Trapani 4, Ragusa, Siracusa, Catania, Agrigento 1 each), Calabria 5 (Reggio
/// Calabria 3, Cosenza 1, Catanzaro 1), Campania 3 (Caserta 2, Salerno 1), Piemonte 2 (Cuneo),
/// Lazio 2 (Latina 1, Viterbo 1), Veneto 2 (Rovigo), Abruzzo, Liguria, Marche, Toscana 1 each.
/// 150 settlements in all.
pub(crate) const SETTLEMENT_COMUNI: [SettlementComune; 38] = [
    SettlementComune {
        istat: MANFREDONIA,
        name: "Manfredonia",
        settlements: 6,
        with_structures: false,
        scale: 1.2,
        named: &[NamedSettlement {
            name: "Borgo Mezzanone (ex pista aeroportuale)",
            shelters: "baracche roulotte casolari",
            people: Some(4_000),
            year: Some(2010),
            stable: Some(true),
        }],
    },
    SettlementComune {
        istat: SAN_SEVERO,
        name: "San Severo",
        settlements: 4,
        with_structures: false,
        scale: 1.2,
        named: &[NamedSettlement {
            name: "Gran Ghetto di Rignano (Torretta Antonacci)",
            shelters: "baracche roulotte",
            people: Some(2_100),
            year: Some(2000),
            stable: Some(true),
        }],
    },
    SettlementComune {
        istat: "071024",
        name: "Foggia",
        settlements: 11,
        with_structures: true,
        scale: 1.2,
        named: &[named("Borgo Arpinova", "casolari")],
    },
    SettlementComune {
        istat: "071020",
        name: "Cerignola",
        settlements: 15,
        with_structures: true,
        scale: 1.3,
        named: &[named("Borgo Tre Titoli", "casolari baracche"), named("Borgo Libertà", "casolari")],
    },
    SettlementComune {
        istat: "071028",
        name: "Lucera",
        settlements: 8,
        with_structures: false,
        scale: 1.0,
        named: &[],
    },
    SettlementComune {
        istat: "071036",
        name: "Orta Nova",
        settlements: 6,
        with_structures: false,
        scale: 1.0,
        named: &[],
    },
    SettlementComune {
        istat: "071055",
        name: "Stornarella",
        settlements: 5,
        with_structures: false,
        scale: 0.9,
        named: &[],
    },
    SettlementComune {
        istat: "071047",
        name: "San Marco in Lamis",
        settlements: 3,
        with_structures: false,
        scale: 0.7,
        named: &[],
    },
    SettlementComune {
        istat: "110010",
        name: "Trinitapoli",
        settlements: 4,
        with_structures: false,
        scale: 0.9,
        named: &[],
    },
    SettlementComune {
        istat: "110007",
        name: "San Ferdinando di Puglia",
        settlements: 3,
        with_structures: false,
        scale: 0.8,
        named: &[],
    },
    SettlementComune {
        istat: "075052",
        name: "Nardò",
        settlements: 3,
        with_structures: true,
        scale: 1.3,
        named: &[named("Masseria Boncuri", "casolari tende")],
    },
    SettlementComune {
        istat: "073021",
        name: "Palagiano",
        settlements: 3,
        with_structures: false,
        scale: 0.8,
        named: &[named("Chiatona", "casolari")],
    },
    SettlementComune {
        istat: "081004",
        name: "Campobello di Mazara",
        settlements: 5,
        with_structures: true,
        scale: 2.2,
        named: &[named("Ex Calcestruzzi Selinunte", "baracche tende")],
    },
    SettlementComune {
        istat: "081006",
        name: "Castelvetrano",
        settlements: 4,
        with_structures: false,
        scale: 1.3,
        named: &[named("Contrada Erbe Bianche", "tende baracche")],
    },
    SettlementComune {
        istat: "081011",
        name: "Marsala",
        settlements: 6,
        with_structures: false,
        scale: 0.9,
        named: &[],
    },
    SettlementComune {
        istat: "081012",
        name: "Mazara del Vallo",
        settlements: 3,
        with_structures: false,
        scale: 0.9,
        named: &[],
    },
    SettlementComune {
        istat: "088005",
        name: "Ispica",
        settlements: 6,
        with_structures: false,
        scale: 1.2,
        named: &[],
    },
    SettlementComune {
        istat: "089017",
        name: "Siracusa",
        settlements: 4,
        with_structures: false,
        scale: 1.6,
        named: &[named("Cassibile", "tende baracche")],
    },
    SettlementComune {
        istat: "087033",
        name: "Paternò",
        settlements: 3,
        with_structures: false,
        scale: 0.9,
        named: &[],
    },
    SettlementComune {
        istat: "084021",
        name: "Licata",
        settlements: 2,
        with_structures: false,
        scale: 0.8,
        named: &[],
    },
    SettlementComune {
        istat: "080069",
        name: "Rosarno",
        settlements: 5,
        with_structures: true,
        scale: 1.5,
        named: &[named("Contrada Testa dell'Acqua", "casolari")],
    },
    SettlementComune {
        istat: "080097",
        name: "San Ferdinando",
        settlements: 3,
        with_structures: true,
        scale: 2.2,
        named: &[named("Baraccopoli della zona industriale", "baracche tende")],
    },
    SettlementComune {
        istat: "080093",
        name: "Taurianova",
        settlements: 3,
        with_structures: false,
        scale: 0.9,
        named: &[],
    },
    SettlementComune {
        istat: "078157",
        name: "Corigliano-Rossano",
        settlements: 4,
        with_structures: false,
        scale: 1.1,
        named: &[named("Schiavonea", "palazzi casolari")],
    },
    SettlementComune {
        istat: "079160",
        name: "Lamezia Terme",
        settlements: 2,
        with_structures: false,
        scale: 0.8,
        named: &[],
    },
    SettlementComune {
        istat: "061027",
        name: "Castel Volturno",
        settlements: 6,
        with_structures: true,
        scale: 1.6,
        named: &[named("Destra Volturno", "palazzi"), named("Pescopagano", "palazzi")],
    },
    SettlementComune {
        istat: "061052",
        name: "Mondragone",
        settlements: 3,
        with_structures: false,
        scale: 1.0,
        named: &[],
    },
    SettlementComune {
        istat: "065050",
        name: "Eboli",
        settlements: 4,
        with_structures: false,
        scale: 1.1,
        named: &[named("Campolongo", "casolari baracche")],
    },
    SettlementComune {
        istat: "004203",
        name: "Saluzzo",
        settlements: 2,
        with_structures: true,
        scale: 1.3,
        named: &[named("Foro Boario", "tende")],
    },
    SettlementComune {
        istat: "004104",
        name: "Lagnasco",
        settlements: 1,
        with_structures: true,
        scale: 0.7,
        named: &[],
    },
    SettlementComune {
        istat: "059024",
        name: "Sabaudia",
        settlements: 3,
        with_structures: true,
        scale: 1.0,
        named: &[named("Bella Farnia", "palazzi casolari")],
    },
    SettlementComune {
        istat: "056035",
        name: "Montalto di Castro",
        settlements: 1,
        with_structures: false,
        scale: 0.6,
        named: &[],
    },
    SettlementComune {
        istat: "029040",
        name: "Rosolina",
        settlements: 1,
        with_structures: false,
        scale: 0.6,
        named: &[],
    },
    SettlementComune {
        istat: "029052",
        name: "Porto Viro",
        settlements: 1,
        with_structures: false,
        scale: 0.6,
        named: &[],
    },
    SettlementComune {
        istat: "066006",
        name: "Avezzano",
        settlements: 2,
        with_structures: false,
        scale: 0.8,
        named: &[],
    },
    SettlementComune {
        istat: "009002",
        name: "Albenga",
        settlements: 2,
        with_structures: true,
        scale: 0.8,
        named: &[],
    },
    SettlementComune {
        istat: "043044",
        name: "Recanati",
        settlements: 2,
        with_structures: true,
        scale: 0.8,
        named: &[],
    },
    SettlementComune {
        istat: "053011",
        name: "Grosseto",
        settlements: 1,
        with_structures: false,
        scale: 0.7,
        named: &[],
    },
];

/// A region: ISTAT code, name (as in `regioni.csv`), ISTAT ripartizione code and name.
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub macroarea_code: u8,
    pub macroarea: &'static str,
}

const fn region(code: &'static str, name: &'static str, macroarea_code: u8, macroarea: &'static str) -> Region {
    Region { code, name, macroarea_code, macroarea }
}

/// The 20 regions (codes stable since 1970) with their ISTAT ripartizione.
pub const REGIONS: [Region; 20] = [
    region("01", "Piemonte", 1, "Nord-Ovest"),
    region("02", "Valle d'Aosta/Vallée d'Aoste", 1, "Nord-Ovest"),
    region("03", "Lombardia", 1, "Nord-Ovest"),
    region("04", "Trentino-Alto Adige/Südtirol", 2, "Nord-Est"),
    region("05", "Veneto", 2, "Nord-Est"),
    region("06", "Friuli-Venezia Giulia", 2, "Nord-Est"),
    region("07", "Liguria", 1, "Nord-Ovest"),
    region("08", "Emilia-Romagna", 2, "Nord-Est"),
    region("09", "Toscana", 3, "Centro"),
    region("10", "Umbria", 3, "Centro"),
    region("11", "Marche", 3, "Centro"),
    region("12", "Lazio", 3, "Centro"),
    region("13", "Abruzzo", 4, "Sud"),
    region("14", "Molise", 4, "Sud"),
    region("15", "Campania", 4, "Sud"),
    region("16", "Puglia", 4, "Sud"),
    region("17", "Basilicata", 4, "Sud"),
    region("18", "Calabria", 4, "Sud"),
    region("19", "Sicilia", 5, "Isole"),
    region("20", "Sardegna", 5, "Isole"),
];

/// Comuni with foreign agri-food workers (B1 = yes) by region, summing to 608. Chosen so that
/// Piemonte is first and Lombardia second (published) and the Sud is the ripartizione with the
/// most such Comuni («the South has the most Comuni overall by macro-area»).
pub const WORKER_COMUNI_BY_REGION: [(&str, u32); 20] = [
    ("01", 88),
    ("02", 1),
    ("03", 74),
    ("04", 16),
    ("05", 54),
    ("06", 8),
    ("07", 5),
    ("08", 46),
    ("09", 34),
    ("10", 6),
    ("11", 17),
    ("12", 28),
    ("13", 14),
    ("14", 3),
    ("15", 45),
    ("16", 60),
    ("17", 12),
    ("18", 40),
    ("19", 50),
    ("20", 7),
];

/// Comuni with structures and/or informal settlements by region, summing to 133. Chosen so that
/// Piemonte is first (the region with most Comuni with formal settlements, published) and
/// Lombardia strictly 8th (published), and every region holds at least its Comuni with informal
/// settlements.
pub const HOUSING_COMUNI_BY_REGION: [(&str, u32); 20] = [
    ("01", 22),
    ("02", 0),
    ("03", 7),
    ("04", 4),
    ("05", 11),
    ("06", 3),
    ("07", 2),
    ("08", 9),
    ("09", 5),
    ("10", 2),
    ("11", 4),
    ("12", 6),
    ("13", 4),
    ("14", 1),
    ("15", 8),
    ("16", 17),
    ("17", 3),
    ("18", 10),
    ("19", 13),
    ("20", 2),
];

/// How much the agriculture of a province relies on foreign seasonal labour (1 = ordinary).
/// A rough, invented scale: it weights which Comuni have workers and structures and how many
/// workers they declare. Provinces not listed weigh 1.
pub(crate) const AGRI_PROVINCES: [(&str, f64); 60] = [
    ("FG", 4.0),
    ("LT", 3.5),
    ("RG", 3.5),
    ("CN", 3.5),
    ("VR", 3.0),
    ("SA", 3.0),
    ("CE", 3.0),
    ("BT", 3.0),
    ("TP", 3.0),
    ("RC", 3.0),
    ("BA", 2.5),
    ("RO", 2.5),
    ("MN", 2.5),
    ("CT", 2.5),
    ("SR", 2.5),
    ("CS", 2.5),
    ("TA", 2.5),
    ("MT", 2.5),
    ("FE", 2.5),
    ("TN", 2.5),
    ("BZ", 2.5),
    ("LE", 2.0),
    ("BR", 2.0),
    ("PZ", 2.0),
    ("AG", 2.0),
    ("AT", 2.0),
    ("AL", 2.0),
    ("CR", 2.0),
    ("BS", 2.0),
    ("PV", 2.0),
    ("RA", 2.0),
    ("FC", 2.0),
    ("MO", 2.0),
    ("RE", 2.0),
    ("PR", 2.0),
    ("PC", 2.0),
    ("TV", 2.0),
    ("PD", 2.0),
    ("GR", 2.0),
    ("VT", 2.0),
    ("AQ", 2.0),
    ("CH", 2.0),
    ("KR", 2.0),
    ("CZ", 2.0),
    ("VV", 2.0),
    ("SV", 2.0),
    ("LO", 1.8),
    ("BO", 1.6),
    ("VE", 1.5),
    ("VI", 1.5),
    ("SI", 1.5),
    ("PI", 1.5),
    ("FR", 1.5),
    ("TE", 1.5),
    ("CB", 1.5),
    ("MC", 1.5),
    ("AP", 1.5),
    ("IM", 1.5),
    ("OR", 1.5),
    ("CL", 1.5),
];

/// The agricultural weight of a province by sigla.
pub(crate) fn agri(sigla: &str) -> f64 {
    AGRI_PROVINCES.iter().find(|(s, _)| *s == sigla).map_or(1.0, |&(_, w)| w)
}

/// Comuni that lost their ISTAT code after the 2021 census began (1 Oct 2021) by merging into
/// a Comune of the shipped list: Belfiore code, ISTAT code and name of the 2021 Comune, and the
/// ISTAT code of its successor in `comuni.csv`. The codes are those of the unions listed in
/// `data/territory/SOURCES.md` (the shipped files carry no ISTAT code for a suppressed Comune);
/// [`super::universe_2021`] checks every row against the ANPR history.
pub(crate) const MERGED_AFTER_2021: [(&str, &str, &str, &str); 14] = [
    ("F709", "005079", "Moransengo", "005122"),
    ("L204", "005110", "Tonengo", "005122"),
    ("A645", "012009", "Bardello", "012144"),
    ("B131", "012018", "Bregano", "012144"),
    ("E856", "012095", "Malgesso", "012144"),
    ("H521", "013199", "Ronago", "013256"),
    ("L487", "013228", "Uggiate-Trevano", "013256"),
    ("A134", "018002", "Albaredo Arnaboldi", "018026"),
    ("D902", "024044", "Gambugliano", "024128"),
    ("I879", "024103", "Sovizzo", "024128"),
    ("A121", "025002", "Alano di Piave", "025075"),
    ("M332", "025070", "Quero Vas", "025075"),
    ("B749", "028022", "Carceri", "028108"),
    ("L878", "028098", "Vighizzolo d'Este", "028108"),
];
