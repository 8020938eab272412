//! The open-data package of a census: the published tables, the Comune-level indicators
//! (with disclosure control), a GeoJSON of the same indicators at the Comuni's points, and the
//! DCAT-AP_IT metadata that describes them (JSON-LD).
//!
//! Comune-level indicators are what the Comune itself declared about its territory — not data
//! about people — but a small number of people in a settlement can point at individuals: a
//! count under [`MIN_PEOPLE`] is published as [`SUPPRESSED`], and so is a Comune's total when
//! one of its parts is withheld.

use super::census::ComuneInput;
use super::{Report, SUPPRESSED, Table};
use serde_json::{Value, json};

/// Counts of people under this are withheld in the Comune-level files.
pub const MIN_PEOPLE: u64 = 10;

/// The EU data theme of the datasets (agriculture, fisheries, forestry and food).
pub const THEME_AGRI: &str = "http://publications.europa.eu/resource/authority/data-theme/AGRI";
/// The licence of the package.
pub const LICENCE: &str = "https://creativecommons.org/licenses/by/4.0/";
const LICENCE_NAME: &str = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)";
/// How often the census is repeated (the EU frequency vocabulary).
pub const FREQUENCY_IRREGULAR: &str = "http://publications.europa.eu/resource/authority/frequency/IRREG";

/// Who publishes, and where the files will be downloaded from.
#[derive(Debug, Clone)]
pub struct Publisher {
    /// The publisher's IPA code (Indice delle Pubbliche Amministrazioni), e.g. `anci`.
    pub ipa: String,
    pub name: String,
    /// The public address of the package's folder, ending with `/`.
    pub base_url: String,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The Comune-level indicators, one row per invited Comune (header first), suppression applied.
pub fn comuni_rows(comuni: &[ComuneInput]) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "codice_istat",
            "comune",
            "codice_regione",
            "codice_provincia",
            "provincia",
            "ha_risposto",
            "lavoratori_presenti",
            "strutture",
            "ospiti_strutture",
            "insediamenti_informali",
            "persone_insediamenti",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for c in comuni {
        let mut row = vec![
            c.istat.clone(),
            c.name.clone(),
            c.region.clone(),
            c.province.clone(),
            c.province_name.clone(),
            if c.answers.is_some() { "si" } else { "no" }.to_owned(),
        ];
        match &c.answers {
            None => row.extend(std::iter::repeat_n(String::new(), 5)),
            Some(a) => {
                let count = |items: &[crate::census::answers::Answers], q: &str| -> (u64, bool) {
                    let mut withheld = false;
                    let mut total = 0;
                    for i in items {
                        let n = i.value(q).trim().parse::<u64>().unwrap_or(0);
                        withheld |= n > 0 && n < MIN_PEOPLE;
                        total += n;
                    }
                    (total, withheld)
                };
                let shown = |(n, withheld): (u64, bool)| if withheld { SUPPRESSED.to_owned() } else { n.to_string() };
                let structures = a.repeat("strutture");
                let settlements = a.repeat("insediamenti");
                row.push(if a.value("B1") == "1" { "si" } else { "no" }.to_owned());
                row.push(structures.len().to_string());
                row.push(shown(count(structures, "D3")));
                row.push(settlements.len().to_string());
                row.push(shown(count(settlements, "E3")));
            }
        }
        rows.push(row);
    }
    rows
}

/// The Comune-level indicators as GeoJSON points (Comuni without a point are left out).
pub fn comuni_geojson(comuni: &[ComuneInput]) -> Value {
    let rows = comuni_rows(comuni);
    let header = &rows[0];
    let features: Vec<Value> = comuni
        .iter()
        .zip(&rows[1..])
        .filter_map(|(c, row)| {
            let (lon, lat) = c.point?;
            let properties: serde_json::Map<String, Value> =
                header.iter().zip(row).map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
            Some(json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round6(lon), round6(lat)]},
                "properties": properties,
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| {
                let c = crate::sheet::safe_cell(c);
                if c.contains([';', '"', '\n', '\r']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c }
            })
            .collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(out.into_bytes());
    bytes
}

/// The file name of the `i`-th (0-based) table of the package: `tavola-01-risposte-regione.csv`.
pub fn table_file_name(i: usize, t: &Table) -> String {
    format!("tavola-{:02}-{}.csv", i + 1, t.key.replace('_', "-"))
}

fn table_rows(t: &Table) -> Vec<Vec<String>> {
    let mut rows = vec![t.columns.clone()];
    rows.extend(t.rows.iter().cloned());
    rows
}

/// The files of the package, without the XLSX (which the caller writes with the report
/// crate): `tavola-NN-<key>.csv` for each table of the report, `comuni.csv`,
/// `comuni.geojson`, and `catalogo.jsonld` describing them all. `modified` is the ISO date of
/// publication; `xlsx` names the workbook files the caller adds (to describe them too).
pub fn package(
    report: &Report,
    comuni: &[ComuneInput],
    publisher: &Publisher,
    modified: &str,
    xlsx: &[&str],
) -> Vec<File> {
    let mut files = Vec::new();
    let mut datasets = Vec::new();
    let ipa = &publisher.ipa;
    let dataset = |n: usize, title: &str, description: &str, distributions: Vec<Value>| {
        json!({
            "@id": format!("{}dataset/{n}", publisher.base_url),
            "@type": ["dcat:Dataset", "dcatapit:Dataset"],
            "dct:identifier": format!("{ipa}:D.{n}"),
            "dct:title": {"@value": title, "@language": "it"},
            "dct:description": {"@value": description, "@language": "it"},
            "dct:modified": {"@value": modified, "@type": "xsd:date"},
            "dcat:theme": {"@id": THEME_AGRI},
            "dct:rightsHolder": {"@id": format!("{}organizzazione/{ipa}", publisher.base_url)},
            "dct:accrualPeriodicity": {"@id": FREQUENCY_IRREGULAR},
            "dct:publisher": {"@id": format!("{}organizzazione/{ipa}", publisher.base_url)},
            "dcat:distribution": distributions,
        })
    };
    let distribution = |name: &str, format: &str, media: &str| {
        json!({
            "@id": format!("{}{name}", publisher.base_url),
            "@type": ["dcat:Distribution", "dcatapit:Distribution"],
            "dct:format": {"@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}")},
            "dcat:mediaType": media,
            "dcat:accessURL": {"@id": format!("{}{name}", publisher.base_url)},
            "dcat:downloadURL": {"@id": format!("{}{name}", publisher.base_url)},
            "dct:license": {"@id": LICENCE},
            "dct:title": {"@value": name, "@language": "it"},
        })
    };
    let mut table_distributions = Vec::new();
    for (i, t) in report.tables().iter().enumerate() {
        let name = table_file_name(i, t);
        files.push(File { name: name.clone(), bytes: csv(&table_rows(t)) });
        table_distributions.push(distribution(&name, "CSV", "text/csv"));
    }
    table_distributions.extend(xlsx.iter().map(|n| distribution(n, "XLSX", XLSX_MEDIA)));
    datasets.push(dataset(
        1,
        &format!("{} – tavole", report.title),
        &format!(
            "Le tavole pubblicate nel rapporto «{}» ({}): {} tavole, con il controllo della divulgazione statistica.",
            report.title,
            report.subtitle,
            report.tables().len()
        ),
        table_distributions,
    ));
    files.push(File { name: "comuni.csv".into(), bytes: csv(&comuni_rows(comuni)) });
    let geojson = serde_json::to_vec(&comuni_geojson(comuni)).unwrap_or_default();
    files.push(File { name: "comuni.geojson".into(), bytes: geojson });
    datasets.push(dataset(
        2,
        "Indicatori per Comune",
        &format!(
            "Per ogni Comune invitato: risposta, presenza di lavoratori stranieri nel settore agro-alimentare, \
             strutture e insediamenti informali segnalati con le persone presenti (conteggi sotto {MIN_PEOPLE} \
             non pubblicati, «{SUPPRESSED}»)."
        ),
        vec![
            distribution("comuni.csv", "CSV", "text/csv"),
            distribution("comuni.geojson", "GEOJSON", "application/geo+json"),
        ],
    ));
    let catalog = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatapit": "http://dati.gov.it/onto/dcatapit#",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": [
            {
                "@id": format!("{}catalogo", publisher.base_url),
                "@type": ["dcat:Catalog", "dcatapit:Catalog"],
                "dct:title": {"@value": format!("Dati aperti – {}", report.title), "@language": "it"},
                "dct:description": {"@value": report.subtitle, "@language": "it"},
                "dct:publisher": {"@id": format!("{}organizzazione/{ipa}", publisher.base_url)},
                "dct:modified": {"@value": modified, "@type": "xsd:date"},
                "dcat:dataset": datasets.iter().map(|d| json!({"@id": d["@id"]})).collect::<Vec<_>>(),
            },
            {
                "@id": format!("{}organizzazione/{ipa}", publisher.base_url),
                "@type": ["foaf:Agent", "dcatapit:Agent"],
                "foaf:name": publisher.name,
                "dct:identifier": ipa,
            },
            {
                "@id": LICENCE,
                "@type": ["dct:LicenseDocument", "dcatapit:LicenseDocument"],
                "foaf:name": LICENCE_NAME,
            },
        ],
    });
    let mut catalog = catalog;
    if let Some(graph) = catalog["@graph"].as_array_mut() {
        graph.extend(datasets);
    }
    files.push(File { name: "catalogo.jsonld".into(), bytes: serde_json::to_vec_pretty(&catalog).unwrap_or_default() });
    files
}

pub const XLSX_MEDIA: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::census::answers::Answers;

    fn comune(istat: &str, people: &[u32]) -> ComuneInput {
        let settlements = people.iter().map(|p| Answers::new().with("E3", p.to_string())).collect();
        ComuneInput {
            istat: istat.into(),
            name: format!("Comune {istat}"),
            region: "16".into(),
            province: "071".into(),
            province_name: "Foggia".into(),
            population: 50_000,
            point: Some((15.9, 41.6)),
            answers: Some(Answers::new().with("B1", "1").with_repeat("insediamenti", settlements)),
        }
    }

    #[test]
    fn small_counts_of_people_are_withheld_with_their_total() {
        let rows = comuni_rows(&[comune("071029", &[4000, 300]), comune("071051", &[2100, 6]), {
            let mut c = comune("071020", &[]);
            c.answers = None;
            c
        }]);
        assert_eq!(rows[1][9..], ["2", "4300"]);
        assert_eq!(rows[2][9..], ["2", SUPPRESSED], "6 people: the total would reveal them");
        assert_eq!(rows[3][5..7], ["no", ""]);
        let g = comuni_geojson(&[comune("071029", &[4000])]);
        assert_eq!(g["features"][0]["geometry"]["coordinates"][0], 15.9);
        assert_eq!(g["features"][0]["properties"]["persone_insediamenti"], "4000");
    }
}
