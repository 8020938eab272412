//! Word lists for the free-text answers: fictitious respondents, offices, settlement place
//! names, descriptions of measures.

use super::rng::Rng;

pub(crate) const FIRST_NAMES: [&str; 48] = [
    "Marco",
    "Giuseppe",
    "Antonio",
    "Francesco",
    "Luca",
    "Giovanni",
    "Roberto",
    "Andrea",
    "Stefano",
    "Paolo",
    "Alessandro",
    "Davide",
    "Michele",
    "Salvatore",
    "Vincenzo",
    "Nicola",
    "Pietro",
    "Carlo",
    "Domenico",
    "Fabio",
    "Massimo",
    "Claudio",
    "Raffaele",
    "Gabriele",
    "Maria",
    "Anna",
    "Giulia",
    "Francesca",
    "Laura",
    "Elena",
    "Sara",
    "Chiara",
    "Paola",
    "Valentina",
    "Silvia",
    "Alessandra",
    "Roberta",
    "Federica",
    "Teresa",
    "Angela",
    "Rosa",
    "Carmela",
    "Lucia",
    "Giovanna",
    "Simona",
    "Daniela",
    "Marta",
    "Ilaria",
];

pub(crate) const SURNAMES: [&str; 64] = [
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "De Angelis",
    "Gatti",
    "Pellegrini",
    "Palumbo",
    "Sanna",
    "Farina",
    "Rizzi",
    "Monti",
    "Cattaneo",
    "Morelli",
    "Amato",
    "Silvestri",
];

/// A3a: portfolios of an Assessore.
pub(crate) const PORTFOLIOS: [&str; 8] = [
    "Politiche sociali",
    "Politiche sociali e abitative",
    "Agricoltura e attività produttive",
    "Immigrazione e integrazione",
    "Welfare e coesione sociale",
    "Servizi sociali, pari opportunità",
    "Sicurezza e polizia locale",
    "Lavoro e sviluppo economico",
];

/// A3b: offices of a Dirigente/Funzionario.
pub(crate) const OFFICES: [&str; 9] = [
    "Settore Servizi Sociali",
    "Area Amministrativa",
    "Ufficio Servizi Demografici",
    "Settore Politiche Sociali e Abitative",
    "Area Vigilanza",
    "Ufficio Tecnico",
    "Settore Affari Generali",
    "Ufficio di Piano dell'Ambito sociale",
    "Sportello Immigrazione",
];

/// A3_altro: other roles, as Comuni type them: the same role in several spellings (case,
/// hyphens, abbreviations, articles), which the secretariat codes with one code. Changing this
/// list changes no published figure: a pick draws one number whatever the list's length.
pub(crate) const OTHER_ROLES: [&str; 16] = [
    "Vicesindaco",
    "vice sindaco",
    "Vice-Sindaco",
    "Assessore ai servizi sociali",
    "assessore servizi sociali",
    "Ass. ai Servizi Sociali",
    "Responsabile Ufficio Anagrafe",
    "resp. ufficio anagrafe",
    "Responsabile dell'Ufficio Anagrafe",
    "Segretario comunale",
    "segretario comunale",
    "Istruttore amministrativo",
    "Consigliere comunale delegato",
    "Responsabile Ufficio Immigrazione",
    "Mediatore culturale del Comune",
    "Coordinatore dell'Ambito territoriale sociale",
];

/// D1_altro: other kinds of structure (with a few spelling variants, as [`OTHER_ROLES`]).
pub(crate) const OTHER_STRUCTURES: [&str; 11] = [
    "Foresteria per lavoratori stagionali",
    "foresteria lavoratori stagionali",
    "Dormitorio comunale",
    "Moduli abitativi (container)",
    "moduli abitativi - container",
    "Tendopoli attrezzata",
    "Accoglienza diffusa presso aziende agricole",
    "Struttura della Caritas diocesana",
    "Ostello",
    "Prima accoglienza stagionali (PAS)",
    "Prima Accoglienza Stagionali - PAS",
];

/// F2: descriptions of housing measures, any Comune.
pub(crate) const MEASURES: [&str; 7] = [
    "Accordo con la Prefettura e le associazioni datoriali per l'apertura di una foresteria stagionale.",
    "Contributi per l'affitto a lavoratori stagionali in collaborazione con l'Ambito sociale.",
    "Messa a disposizione di un immobile comunale, gestito da una cooperativa sociale, per l'accoglienza temporanea.",
    "Sportello di orientamento all'abitare con mediazione culturale, in rete con il sindacato.",
    "Protocollo con le aziende agricole per alloggi in azienda conformi e controlli congiunti.",
    "Progetto di accoglienza diffusa finanziato con fondi PON Inclusione.",
    "Servizio di trasporto dai centri abitati ai luoghi di lavoro nei mesi di raccolta.",
];

/// F2: measures that only a Comune with informal settlements describes.
pub(crate) const SETTLEMENT_MEASURES: [&str; 3] = [
    "Installazione di punti acqua e servizi igienici mobili presso gli insediamenti, con presidio sanitario.",
    "Partecipazione al progetto regionale di contrasto al caporalato (Su.Pr.Eme.) con un'agenzia per l'abitare.",
    "Censimento delle presenze negli insediamenti con le unità mobili di strada e percorsi di uscita verso alloggi dignitosi.",
];

/// Place-name stems for informal settlements.
const TOPONYMS: [&str; 48] = [
    "San Giusto",
    "Palmori",
    "Macchia Rotonda",
    "Pozzo Terraneo",
    "Sant'Antonio",
    "Le Fornaci",
    "Piano della Croce",
    "Santa Cecilia",
    "Pantano",
    "Cannella",
    "Fontanelle",
    "Acquarotta",
    "Sette Fontane",
    "Torre Rossa",
    "Giardinetto",
    "Salice",
    "Lago Salso",
    "Ponte Rotto",
    "Tre Pini",
    "San Nicola",
    "Santa Lucia",
    "Le Coste",
    "Fiumara",
    "Mulino Vecchio",
    "Passo del Lupo",
    "Canale Grande",
    "Casalini",
    "Pezza Grande",
    "Ciccarella",
    "Boscorotondo",
    "Ripalta",
    "Feudo Nuovo",
    "Madonna delle Grazie",
    "Spinazzo",
    "Gelsi",
    "Le Paludi",
    "Cicerone",
    "Ulivo Grosso",
    "Chiusa",
    "Serra Alta",
    "Pagliaro",
    "Lamia",
    "Bosco Piccolo",
    "Tavernola",
    "San Cataldo",
    "Pozzillo",
    "Guardiola",
    "Vallone",
];

/// A plausible, fictitious locality name for a settlement, in the idiom of the region.
pub(crate) fn settlement_name(rng: &mut Rng, region_code: &str) -> String {
    let prefixes: &[&str] = match region_code {
        "01" | "03" | "05" | "08" => &["Cascina", "Località", "Ex fabbrica", "Via", "Podere"],
        "07" => &["Regione", "Località", "Ex serre"],
        "09" | "12" | "11" | "13" => &["Podere", "Località", "Casale", "Ex fornace"],
        _ => &["Contrada", "Località", "Masseria", "Casolare", "Borgo", "Ex scalo"],
    };
    let prefix = rng.pick(prefixes).copied().unwrap_or("Località");
    let stem = rng.pick(&TOPONYMS).copied().unwrap_or("Vallone");
    format!("{prefix} {stem}")
}

/// Lower-case ASCII for e-mail addresses: accents dropped, anything else not a letter or digit
/// removed.
pub(crate) fn ascii_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let base = match c {
            'à' | 'á' | 'â' | 'ä' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
            'č' | 'ç' | 'Č' | 'Ç' => 'c',
            'š' | 'Š' => 's',
            'ž' | 'Ž' => 'z',
            'ß' => 's',
            c => c,
        };
        if base.is_ascii_alphanumeric() {
            out.push(base.to_ascii_lowercase());
        }
    }
    out
}

/// Italian capitalisation of an ANPR name (which ANPR writes in title case): articles and
/// prepositions after the first word in lower case (`Vighizzolo D'Este` → `Vighizzolo d'Este`).
pub(crate) fn italian_case(name: &str) -> String {
    const SMALL: [&str; 24] = [
        "di", "del", "della", "dello", "dei", "degli", "delle", "de", "da", "dal", "dalla", "in", "sul", "sulla",
        "sullo", "e", "ed", "al", "alla", "allo", "con", "sopra", "sotto", "la",
    ];
    let mut out = String::with_capacity(name.len());
    for (i, word) in name.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        if i > 0 && SMALL.contains(&lower.as_str()) {
            out.push_str(&lower);
        } else if i > 0 && (lower.starts_with("d'") || lower.starts_with("l'")) && word.len() > 2 {
            let (head, tail) = word.split_at(2);
            out.push_str(&head.to_lowercase());
            out.push_str(tail);
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_cases() {
        assert_eq!(ascii_slug("Nardò"), "nardo");
        assert_eq!(ascii_slug("Savogna d'Isonzo/Sovodnje ob Soči"), "savognadisonzosovodnjeobsoci");
        assert_eq!(ascii_slug("D'Angelo"), "dangelo");
        assert_eq!(italian_case("Vighizzolo D'Este"), "Vighizzolo d'Este");
        assert_eq!(italian_case("Alano Di Piave"), "Alano di Piave");
        assert_eq!(italian_case("Quero Vas"), "Quero Vas");
    }
}
