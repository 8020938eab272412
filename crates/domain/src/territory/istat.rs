//! The official ISTAT *Elenco comuni italiani* file and what changed since the loaded list.
//!
//! The real format: `;`-separated, Windows-1252 (older files) or UTF-8 (with or without BOM),
//! a header whose fields may contain line breaks. Columns are found by name, so column order and
//! the extra historical-code columns do not matter. Comuni are matched on the **Belfiore code**,
//! which survives recodings (the 2026 Sardinian reform changed every Sardinian ISTAT code).

use std::collections::{BTreeMap, HashMap, HashSet};

/// One comune of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElencoRow {
    pub line: usize,
    pub istat: String,
    pub belfiore: String,
    pub name: String,
    pub name_other: String,
    pub province_code: String,
    pub province_name: String,
    pub province_type: String,
    pub sigla: String,
    pub region_code: String,
    pub capoluogo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElencoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a CSV separated by ';': {0}")]
    Csv(String),
    #[error("column `{0}` is missing from the header")]
    MissingColumn(&'static str),
    #[error("line {line}: {message}")]
    Row { line: usize, message: String },
}

/// Windows-1252 bytes 0x80–0x9F; the rest of the range maps like Latin-1.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// UTF-8 (BOM stripped) when valid, otherwise Windows-1252.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes
            .iter()
            .map(|&b| if (0x80..0xA0).contains(&b) { CP1252_HIGH[usize::from(b - 0x80)] } else { char::from(b) })
            .collect(),
    }
}

fn norm_header(h: &str) -> String {
    h.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Parses the whole file; every bad row is reported (up to 100), and any error rejects the file.
pub fn parse(bytes: &[u8]) -> Result<Vec<ElencoRow>, Vec<ElencoError>> {
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(vec![ElencoError::Empty]);
    }
    let mut rdr = csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(norm_header).collect(),
        Err(e) => return Err(vec![ElencoError::Csv(e.to_string())]),
    };
    let find = |pred: &dyn Fn(&str) -> bool, name: &'static str| {
        headers.iter().position(|h| pred(h)).ok_or(ElencoError::MissingColumn(name))
    };
    let cols = (|| {
        Ok::<_, ElencoError>([
            find(&|h| h.starts_with("codice comune formato alfanumerico"), "Codice Comune formato alfanumerico")?,
            find(&|h| h.starts_with("codice catastale"), "Codice Catastale del comune")?,
            find(&|h| h == "denominazione in italiano", "Denominazione in italiano")?,
            find(&|h| h == "denominazione altra lingua", "Denominazione altra lingua")?,
            find(
                &|h| h.starts_with("codice dell'unità territoriale sovracomunale"),
                "Codice dell'Unità territoriale sovracomunale",
            )?,
            find(
                &|h| h.starts_with("denominazione dell'unità territoriale sovracomunale"),
                "Denominazione dell'Unità territoriale sovracomunale",
            )?,
            find(
                &|h| h.starts_with("tipologia di unità territoriale"),
                "Tipologia di Unità territoriale sovracomunale",
            )?,
            find(&|h| h == "sigla automobilistica", "Sigla automobilistica")?,
            find(&|h| h == "codice regione", "Codice Regione")?,
            find(&|h| h.starts_with("flag comune capoluogo"), "Flag Comune capoluogo")?,
        ])
    })();
    let [c_istat, c_bf, c_name, c_other, c_prov, c_prov_name, c_prov_type, c_sigla, c_reg, c_cap] = match cols {
        Ok(c) => c,
        Err(e) => return Err(vec![e]),
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen_istat: HashMap<String, usize> = HashMap::new();
    let mut seen_bf: HashMap<String, usize> = HashMap::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(ElencoError::Csv(e.to_string()));
                break;
            }
        };
        let line = rec.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_owned();
        let mut bad = |message: String| errors.push(ElencoError::Row { line, message });
        if rec.len() < headers.len() {
            bad(format!("{} fields instead of {}", rec.len(), headers.len()));
            continue;
        }
        let row = ElencoRow {
            line,
            istat: get(c_istat),
            belfiore: get(c_bf).to_uppercase(),
            name: get(c_name),
            name_other: get(c_other),
            province_code: get(c_prov),
            province_name: get(c_prov_name),
            province_type: get(c_prov_type),
            sigla: get(c_sigla),
            region_code: get(c_reg),
            capoluogo: get(c_cap) == "1",
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(&row.istat, 6) {
            bad(format!("ISTAT code `{}` is not 6 digits", row.istat));
        }
        let b = row.belfiore.as_bytes();
        if !(b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)) {
            bad(format!("cadastral code `{}` is not a letter and 3 digits", row.belfiore));
        }
        if row.name.is_empty() {
            bad("the Italian name is empty".into());
        }
        if !digits(&row.province_code, 3) || !digits(&row.region_code, 2) {
            bad(format!("province `{}` or region `{}` code malformed", row.province_code, row.region_code));
        }
        if let Some(first) = seen_istat.insert(row.istat.clone(), line) {
            bad(format!("ISTAT code {} already on line {first}", row.istat));
        }
        if let Some(first) = seen_bf.insert(row.belfiore.clone(), line) {
            bad(format!("cadastral code {} already on line {first}", row.belfiore));
        }
        rows.push(row);
        if errors.len() >= 100 {
            break;
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(ElencoError::Empty);
    }
    if errors.is_empty() { Ok(rows) } else { Err(errors) }
}

/// A current comune as loaded, for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub istat: String,
    pub belfiore: String,
    pub name: String,
    pub name_other: String,
    pub province_code: String,
    pub region_code: String,
}

/// What changes for one comune that exists before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub before: Known,
    pub after: ElencoRow,
    pub renamed: bool,
    pub recoded: bool,
    pub moved: bool,
}

/// A comune that disappears, with the comune that takes its territory when it can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub before: Known,
    /// Belfiore code of the successor (new or existing comune).
    pub successor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProvince {
    pub code: String,
    pub name: String,
    pub sigla: String,
    pub region_code: String,
    pub uts_type: String,
}

/// Everything an import would do; computed without touching the database (the dry run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub new_comuni: Vec<ElencoRow>,
    pub changes: Vec<Change>,
    pub suppressed: Vec<Suppression>,
    pub new_provinces: Vec<NewProvince>,
    /// Province codes no comune uses any more.
    pub unused_provinces: Vec<String>,
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.new_comuni.is_empty()
            && self.changes.is_empty()
            && self.suppressed.is_empty()
            && self.new_provinces.is_empty()
    }

    /// Old ISTAT code → new ISTAT code, for re-pointing records (recodings and mergers into a
    /// comune whose code is known).
    pub fn code_moves(&self, new_istat_of: impl Fn(&str) -> Option<String>) -> Vec<(String, String)> {
        let mut moves: Vec<(String, String)> = self
            .changes
            .iter()
            .filter(|c| c.recoded && !c.before.istat.is_empty())
            .map(|c| (c.before.istat.clone(), c.after.istat.clone()))
            .collect();
        for s in &self.suppressed {
            if let (false, Some(succ)) = (s.before.istat.is_empty(), &s.successor)
                && let Some(code) = new_istat_of(succ)
            {
                moves.push((s.before.istat.clone(), code));
            }
        }
        moves
    }
}

/// Names compare equal when they are, or when the file has `?` exactly where the loaded name has
/// a character Windows-1252 cannot hold (ISTAT's own cp1252 files write "Sovodnje ob So?i").
pub fn same_name(known: &str, file: &str) -> bool {
    if known == file {
        return true;
    }
    let (k, f): (Vec<char>, Vec<char>) = (known.chars().collect(), file.chars().collect());
    k.len() == f.len()
        && k.iter().zip(&f).all(|(a, b)| a == b || (*b == '?' && u32::from(*a) > 0xFF && !CP1252_HIGH.contains(a)))
}

fn words(s: &str) -> HashSet<String> {
    super::search::normalise(s).split(' ').filter(|w| w.len() > 3).map(str::to_owned).collect()
}

/// Compares the loaded comuni with the file, joining on the Belfiore code.
pub fn plan(known: &[Known], known_provinces: &[String], file: &[ElencoRow]) -> Plan {
    let by_bf: HashMap<&str, &Known> = known.iter().map(|k| (k.belfiore.as_str(), k)).collect();
    let file_bf: HashSet<&str> = file.iter().map(|r| r.belfiore.as_str()).collect();
    let mut p = Plan::default();
    for r in file {
        match by_bf.get(r.belfiore.as_str()) {
            None => p.new_comuni.push(r.clone()),
            Some(k) => {
                let renamed = !same_name(&k.name, &r.name) || !same_name(&k.name_other, &r.name_other);
                let recoded = k.istat != r.istat;
                let moved = k.province_code != r.province_code;
                if renamed || recoded || moved {
                    p.changes.push(Change { before: (*k).clone(), after: r.clone(), renamed, recoded, moved });
                } else {
                    p.unchanged += 1;
                }
            }
        }
    }
    for k in known.iter().filter(|k| !file_bf.contains(k.belfiore.as_str())) {
        // A merger: a new comune in the same province sharing a word of the name, or the only new
        // comune there. Otherwise unknown (an incorporation into an existing comune cannot be
        // told from the list alone).
        let old_words = words(&k.name);
        let same_province: Vec<&ElencoRow> = p
            .new_comuni
            .iter()
            .filter(|n| n.province_code == k.province_code || n.istat.get(..3) == k.istat.get(..3))
            .collect();
        let successor = same_province
            .iter()
            .find(|n| !words(&n.name).is_disjoint(&old_words))
            .or(if same_province.len() == 1 { same_province.first() } else { None })
            .map(|n| n.belfiore.clone());
        p.suppressed.push(Suppression { before: k.clone(), successor });
    }
    let mut provinces: BTreeMap<&str, &ElencoRow> = BTreeMap::new();
    for r in file {
        provinces.entry(r.province_code.as_str()).or_insert(r);
    }
    for (code, r) in &provinces {
        if !known_provinces.iter().any(|k| k == code) {
            p.new_provinces.push(NewProvince {
                code: (*code).to_owned(),
                name: r.province_name.clone(),
                sigla: r.sigla.clone(),
                region_code: r.region_code.clone(),
                uts_type: r.province_type.clone(),
            });
        }
    }
    p.unused_provinces = known_provinces.iter().filter(|k| !provinces.contains_key(k.as_str())).cloned().collect();
    p
}

/// A readable report of a plan (the dry run), one line per change.
pub fn report(p: &Plan) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} unchanged, {} new, {} changed, {} suppressed; {} new provinces, {} provinces no longer used",
        p.unchanged,
        p.new_comuni.len(),
        p.changes.len(),
        p.suppressed.len(),
        p.new_provinces.len(),
        p.unused_provinces.len()
    );
    for n in &p.new_provinces {
        let _ = writeln!(s, "NEW PROVINCE   {} {} ({}), region {}", n.code, n.name, n.sigla, n.region_code);
    }
    for c in &p.unused_provinces {
        let _ = writeln!(s, "UNUSED PROVINCE {c}: organisations whose jurisdiction names it must be reviewed");
    }
    for n in &p.new_comuni {
        let _ = writeln!(s, "NEW            {} {} ({}, {})", n.istat, n.name, n.belfiore, n.sigla);
    }
    for c in &p.changes {
        let mut what = Vec::new();
        if c.renamed {
            what.push(format!("renamed {} → {}", c.before.name, c.after.name));
        }
        if c.recoded {
            what.push(format!(
                "recoded {} → {}",
                if c.before.istat.is_empty() { "(none)" } else { &c.before.istat },
                c.after.istat
            ));
        }
        if c.moved {
            what.push(format!("province {} → {}", c.before.province_code, c.after.province_code));
        }
        let _ = writeln!(s, "CHANGED        {} ({}): {}", c.after.name, c.after.belfiore, what.join("; "));
    }
    for x in &p.suppressed {
        match &x.successor {
            Some(succ) => {
                let _ = writeln!(
                    s,
                    "MERGED         {} {} ({}) into {succ}",
                    x.before.istat, x.before.name, x.before.belfiore
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "SUPPRESSED     {} {} ({}): successor unknown, check",
                    x.before.istat, x.before.name, x.before.belfiore
                );
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Codice Regione;\"Codice dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";Codice Comune formato alfanumerico;Denominazione in italiano;Denominazione altra lingua;\"Denominazione dell'Unità territoriale sovracomunale \n(valida a fini statistici)\";Tipologia di Unità territoriale sovracomunale ;Flag Comune capoluogo di provincia/città metropolitana/libero consorzio;Sigla automobilistica;Codice Catastale del comune\r\n";

    fn file(rows: &[&str]) -> Vec<u8> {
        let mut s = HEADER.to_owned();
        for r in rows {
            s.push_str(r);
            s.push_str("\r\n");
        }
        s.into_bytes()
    }

    fn known(istat: &str, bf: &str, name: &str, prov: &str) -> Known {
        Known {
            istat: istat.into(),
            belfiore: bf.into(),
            name: name.into(),
            name_other: String::new(),
            province_code: prov.into(),
            region_code: "20".into(),
        }
    }

    #[test]
    fn parses_the_real_layout_in_both_encodings() {
        let utf8 = file(&[
            "20;113;113001;Aggius;;Gallura Nord-Est Sardegna;2;0;OT;A069",
            "03;020;020030;Mantova;;Mantova;1;1;MN;E897",
        ]);
        let rows = parse(&utf8).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].istat.as_str(), rows[0].belfiore.as_str(), rows[0].province_code.as_str()),
            ("113001", "A069", "113")
        );
        assert!(rows[1].capoluogo);
        // Windows-1252: "à" is 0xE0, "’" is 0x92.
        let mut bytes: Vec<u8> = HEADER.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
        bytes.extend_from_slice(b"01;201;001001;Agli\xE8;;Torino;3;0;TO;A074\r\n");
        let rows = parse(&bytes).unwrap();
        assert_eq!(rows[0].name, "Agliè");
        assert_eq!(decode(b"Sant\x92Agata"), "Sant’Agata");
        let bom = [b"\xEF\xBB\xBF".as_slice(), &utf8].concat();
        assert_eq!(parse(&bom).unwrap().len(), 2);
    }

    #[test]
    fn rejects_broken_files_naming_the_problem() {
        assert_eq!(parse(b""), Err(vec![ElencoError::Empty]));
        let e = parse(b"Codice Regione;Denominazione in italiano\r\n01;Agli\r\n").unwrap_err();
        assert!(matches!(e[0], ElencoError::MissingColumn(_)));
        let e =
            parse(&file(&["20;113;11300;Aggius;;G;2;0;OT;A069", "20;113;113002;Aglientu;;G;2;0;OT;A069"])).unwrap_err();
        let text: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|t| t.contains("11300") && t.contains("not 6 digits")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("A069 already on line")), "{text:?}");
        let e = parse(&file(&["20;113;113001;Aggius"])).unwrap_err();
        assert!(e[0].to_string().contains("fields instead of"));
    }

    #[test]
    fn question_marks_of_cp1252_are_not_renames() {
        assert!(same_name("Sovodnje ob Soči", "Sovodnje ob So?i"));
        assert!(!same_name("Sovodnje ob Soči", "Sovodnje ob Soci"));
        assert!(!same_name("Agliè", "Agli?"), "è exists in cp1252: a ? there is a real difference");
    }

    #[test]
    fn plans_new_renamed_merged_and_recoded_comuni() {
        let before = vec![
            known("090001", "A069", "Aggius", "090"),
            known("102017", "E321", "Ionadi", "102"),
            known("024027", "C056", "Castegnero", "024"),
            known("024071", "F838", "Nanto", "024"),
            known("020030", "E897", "Mantova", "020"),
        ];
        let rows = parse(&file(&[
            "20;113;113001;Aggius;;Gallura Nord-Est Sardegna;2;0;OT;A069",
            "18;102;102017;Jonadi;;Vibo Valentia;1;0;VV;E321",
            "05;024;024129;Castegnero Nanto;;Vicenza;1;0;VI;M439",
            "03;020;020030;Mantova;;Mantova;1;1;MN;E897",
            "03;020;020999;Nuovo Comune;;Mantova;1;0;MN;Z999",
        ]))
        .unwrap();
        let p = plan(&before, &["090".into(), "102".into(), "024".into(), "020".into()], &rows);
        assert_eq!(p.unchanged, 1);
        assert_eq!(p.new_comuni.iter().map(|r| r.belfiore.as_str()).collect::<Vec<_>>(), vec!["M439", "Z999"]);
        let aggius = p.changes.iter().find(|c| c.before.belfiore == "A069").unwrap();
        assert!(aggius.recoded && aggius.moved && !aggius.renamed);
        let jonadi = p.changes.iter().find(|c| c.before.belfiore == "E321").unwrap();
        assert!(jonadi.renamed && !jonadi.recoded);
        assert_eq!(p.suppressed.len(), 2);
        assert!(p.suppressed.iter().all(|s| s.successor.as_deref() == Some("M439")));
        assert_eq!(p.new_provinces.len(), 1);
        assert_eq!(p.new_provinces[0].code, "113");
        assert_eq!(p.unused_provinces, vec!["090".to_owned()]);
        let moves = p.code_moves(|bf| (bf == "M439").then(|| "024129".to_owned()));
        assert!(moves.contains(&("090001".into(), "113001".into())));
        assert!(moves.contains(&("024027".into(), "024129".into())));
    }
}
