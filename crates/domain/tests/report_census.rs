//! The census indicators of the reports, on the synthetic national census: every published
//! headline figure comes out as the report would print it, and the default templates bind.

#![expect(clippy::panic, clippy::unwrap_used, reason = "test helpers report what went wrong")]

use argine_domain::census::synth::{generate, universe_2021};
use argine_domain::report::census::{ComuneInput, Indicators};
use argine_domain::report::template::Template;
use argine_domain::report::{Block, SUPPRESSED};
use std::path::PathBuf;

fn data(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn inputs(seed: u64) -> Vec<ComuneInput> {
    let universe = universe_2021(&data("data/territory/comuni.csv"), &data("data/territory/anpr_comuni.csv")).unwrap();
    let census = generate(&universe, seed).unwrap();
    universe
        .iter()
        .zip(&census.responses)
        .map(|(c, r)| ComuneInput {
            istat: c.istat.clone(),
            name: c.name.clone(),
            region: c.region_code.clone(),
            province: c.province_code.clone(),
            province_name: c.sigla.clone(),
            population: c.population,
            point: None,
            answers: r.responded.then(|| r.answers.clone()),
        })
        .collect()
}

#[test]
fn the_headline_figures_of_2021_as_printed() {
    for seed in [2021, 7] {
        let ind = Indicators::compute(&inputs(seed), "Fonte: test").unwrap();
        let v = |k: &str| ind.values.get(k).unwrap_or_else(|| panic!("no value {k}")).as_str();
        assert_eq!(v("invitati"), "7.904");
        assert_eq!(v("rispondenti"), "3.851");
        assert_eq!(v("tasso_risposta"), "48,7%");
        assert_eq!(v("comuni_con_lavoratori"), "608");
        assert_eq!(v("insediamenti"), "150");
        assert_eq!(v("comuni_insediamenti"), "38");
        assert_eq!(v("regioni_insediamenti"), "11");
        let people: i64 = v("persone_insediamenti").replace('.', "").parse().unwrap();
        assert!(people >= 10_000, "{people}");
        assert_eq!(v("quota_insediamenti_stabili"), "41,3%");
        assert_eq!(v("quota_insediamenti_oltre_20"), "12,2%");
        assert_eq!(v("insediamenti_anno_noto"), "90");
        assert_eq!(v("prima_regione_lavoratori"), "Piemonte");
        assert_eq!(v("seconda_regione_lavoratori"), "Lombardia");
        assert_eq!(v("insediamento_1_comune"), "Manfredonia");
        assert_eq!(v("insediamento_2_comune"), "San Severo");
        assert_eq!(v("quota_strutture_sai"), "44,0%");
        assert_eq!(v("quota_strutture_cas"), "10,3%");
        // The regional split of the 38 Comuni with informal settlements.
        for (code, n) in [("16", "12"), ("19", "8"), ("18", "5"), ("15", "3"), ("01", "2"), ("12", "2"), ("05", "2")] {
            assert_eq!(v(&format!("comuni_insediamenti_{code}")), n, "region {code}");
        }
        let t = &ind.tables["insediamenti_regione"];
        assert_eq!(t.rows[0][..3], ["Puglia", "12", "31,6%"]);
        assert_eq!(t.rows.last().unwrap()[..4], ["Italia", "38", "100,0%", "150"]);
        // The estimate covers at least what the respondents declared.
        let declared: i64 = v("lavoratori_stabili_dichiarati").replace('.', "").parse::<i64>().unwrap()
            + v("lavoratori_stagionali_dichiarati").replace('.', "").parse::<i64>().unwrap();
        let estimate: i64 = v("stima_lavoratori").replace('.', "").parse().unwrap();
        let low: i64 = v("stima_lavoratori_min").replace('.', "").parse().unwrap();
        assert!(estimate > declared && low < estimate, "{declared} {low} {estimate}");
        // Published cross-tabulations go through disclosure control.
        let sdc = &ind.tables["sistemazione_ripartizione"];
        assert!(sdc.note.as_deref().unwrap().contains(SUPPRESSED));
        assert_eq!(sdc.rows.last().unwrap().last().unwrap(), "608");
    }
}

#[test]
fn the_default_templates_bind_into_reports_of_the_required_size() {
    let ind = Indicators::compute(&inputs(2021), "Fonte: test").unwrap();
    for (file, min_tables, min_figures) in [("finale.it.txt", 20, 13), ("preliminare.it.txt", 5, 3)] {
        let t =
            Template::parse(&data(&format!("templates/reports/{file}"))).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let r = t.bind(&ind, "luglio 2022", "it").unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert!(r.tables().len() >= min_tables, "{file}: {} tables", r.tables().len());
        assert!(r.figures_list().len() >= min_figures, "{file}: {} figures", r.figures_list().len());
        let text: String = r
            .chapters
            .iter()
            .flat_map(|c| &c.blocks)
            .filter_map(|b| if let Block::Paragraph { text } = b { Some(text.as_str()) } else { None })
            .collect();
        assert!(text.contains("3.851") && text.contains("48,7%"), "{file}");
        assert!(!text.contains('{'), "{file}: a placeholder left unfilled");
    }
}
