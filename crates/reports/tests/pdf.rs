//! The PDF engine, checked with a real PDF reader: `pdfinfo`, `pdftotext` and `pdffonts` from
//! Debian's `poppler-utils`. Without them the tests that read PDFs print why and pass, unless
//! `ARGINE_REQUIRE_TOOLS=1` makes a missing tool a failure (CI sets it).
//!
//! `ARGINE_PDF_DUMP_DIR=/tmp/pdfs cargo test -p argine-reports --test pdf` keeps the
//! PDFs to look at (e.g. `pdftoppm -png -r 60 /tmp/pdfs/report.pdf /tmp/pdfs/report`).

#![expect(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on unexpected errors")]

use std::io::Write as _;
use std::process::Command;
use std::sync::{LazyLock, Once};

use argine_reports::pdf::{Conformance, HOUSE_STYLE_FILE, Pdf, PdfError, RenderOptions, Rendered};
use serde_json::json;
use time::macros::datetime;

static ENGINE: LazyLock<Pdf> = LazyLock::new(|| Pdf::new().unwrap());

/// A fixed moment (Italian summer time), so that dates in the documents are known.
fn options() -> RenderOptions {
    RenderOptions { now: Some(datetime!(2026-07-14 10:30 +2)), ..RenderOptions::default() }
}

/// Renders with [`options`]; with `ARGINE_PDF_DUMP_DIR` set, also writes `DIR/NAME.pdf` to look at.
fn render(name: &str, source: &str, files: &[(&str, &[u8])]) -> Rendered {
    let rendered = match ENGINE.render_with(source, files, &options()) {
        Ok(rendered) => rendered,
        Err(e) => panic!("render failed: {e}"),
    };
    if let Some(dir) = std::env::var_os("ARGINE_PDF_DUMP_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), &rendered.pdf).unwrap();
    }
    rendered
}

/// Whether poppler's tools can be run; see the module documentation.
fn have_tools() -> bool {
    let missing: Vec<&str> = ["pdfinfo", "pdftotext", "pdffonts"]
        .into_iter()
        .filter(|tool| Command::new(tool).arg("-v").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var("ARGINE_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "ARGINE_REQUIRE_TOOLS=1 but {} not found: apt-get install poppler-utils",
        missing.join(", ")
    );
    // Once, and past libtest's capture of `eprintln!`, so that it shows in a passing run.
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        let message = format!(
            "\nSKIPPED reading PDFs back: {} not found (apt-get install poppler-utils; \
             ARGINE_REQUIRE_TOOLS=1 makes this a failure)\n",
            missing.join(", ")
        );
        let _ = std::io::stderr().write_all(message.as_bytes());
    });
    false
}

/// Runs a poppler tool on the PDF (through a temporary file) and returns its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(pdf).unwrap();
    let mut command = Command::new(tool);
    command.args(args).arg(file.path());
    if tool == "pdftotext" {
        command.arg("-"); // to standard output
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], pdf)
}

/// The value of one `pdfinfo` field, e.g. "Pages".
fn info(pdf: &[u8], field: &str) -> String {
    let out = poppler("pdfinfo", &["-enc", "UTF-8"], pdf);
    let prefix = format!("{field}:");
    out.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(|value| value.trim().to_owned())
        .unwrap_or_else(|| panic!("pdfinfo has no {field}:\n{out}"))
}

/// Collapses runs of white space, as text extraction breaks lines where the layout does.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const MAP_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">
  <rect x="2" y="2" width="116" height="56" fill="#deebf7" stroke="#08519c" stroke-width="2"/>
  <circle cx="40" cy="30" r="14" fill="#3182bd"/>
  <path d="M70 45 L90 15 L110 45 Z" fill="#08519c"/>
</svg>"##;

const REPORT: &str = r#"#import "/argine.typ": documento, tabella
#let data = json("data.json")
#show: documento.with(title: data.title, source: data.source, author: "argine", lang: data.lang)

= Quadro territoriale
Comuni censiti nella provincia.

#tabella(
  columns: (("comune", "Comune"), ("pop", "Popolazione"), ("note", "Note")),
  rows: data.rows,
  widths: (2fr, 1fr, 2fr),
)

#figure(image("map.svg", width: 6cm, alt: "Mappa dei comuni"), caption: [Mappa])
"#;

fn report_data(lang: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "title": "Relazione territoriale 2026",
        "source": "Fonte: ISTAT, elaborazione argine",
        "lang": lang,
        "rows": [
            {"comune": "Latina", "pop": 127_564, "note": "capoluogo"},
            {"comune": "Sabaudia", "pop": 20_353, "note": null},
            {"comune": "Fondi", "pop": 39_678, "note": "Agro Pontino"},
        ],
    }))
    .unwrap()
}

#[test]
fn engine_is_shareable() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Pdf>();
}

#[test]
fn report_with_title_table_and_svg_image() {
    let data = report_data("it");
    let rendered = render("report", REPORT, &[("data.json", &data), ("map.svg", MAP_SVG.as_bytes())]);
    assert!(rendered.pdf.starts_with(b"%PDF-"));
    assert_eq!(rendered.pages, 1);
    assert!(rendered.warnings.is_empty(), "warnings: {:?}", rendered.warnings);
    if !have_tools() {
        return;
    }
    let pdf = &rendered.pdf;
    assert_eq!(info(pdf, "Pages"), "1");
    assert_eq!(info(pdf, "Title"), "Relazione territoriale 2026");
    assert_eq!(info(pdf, "Author"), "argine");
    assert_eq!(info(pdf, "Page size"), "595.276 x 841.89 pts (A4)");
    assert_eq!(info(pdf, "Tagged"), "yes");
    assert!(info(pdf, "CreationDate").contains("2026"), "{}", info(pdf, "CreationDate"));
    let text = squash(&text_of(pdf));
    for expected in [
        "Relazione territoriale 2026",
        "14/07/2026", // header: the date of `now`
        "Comune",
        "Popolazione",
        "Latina",
        "127564",
        "capoluogo",
        "Sabaudia",
        "20353",
        "Fondi",
        "Agro Pontino",
        "Fonte: ISTAT, elaborazione argine",
        "Pagina 1 di 1",
    ] {
        assert!(text.contains(expected), "{expected:?} not in the PDF text: {text}");
    }
    // The SVG is drawn as vector graphics (no raster image), and every font is embedded.
    let fonts = poppler("pdffonts", &[], pdf);
    assert!(fonts.contains("TitilliumWeb-Regular"), "{fonts}");
    assert!(fonts.contains("TitilliumWeb-SemiBold"), "{fonts}");
    for line in fonts.lines().skip(2) {
        let columns: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni object ID: "emb" is the 4th column from the end.
        assert_eq!(columns.get(columns.len().saturating_sub(5)), Some(&"yes"), "font not embedded: {line}");
    }
}

/// The XMP metadata (written uncompressed, as PDF/A wants it readable) names the standards.
fn xmp_says(pdf: &[u8], needle: &str) -> bool {
    pdf.windows(needle.len()).any(|window| window == needle.as_bytes())
}

#[test]
fn archival_by_default_accessible_on_request() {
    let data = report_data("it");
    let files: &[(&str, &[u8])] = &[("data.json", &data), ("map.svg", MAP_SVG.as_bytes())];
    let archival = render("archival", REPORT, files).pdf;
    assert!(xmp_says(&archival, "<pdfaid:part>2</pdfaid:part>"));
    assert!(xmp_says(&archival, "<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(!xmp_says(&archival, "pdfuaid"));

    let accessible = RenderOptions { conformance: Conformance::Accessible, ..options() };
    let pdf = ENGINE.render_with(REPORT, files, &accessible).unwrap().pdf;
    assert!(xmp_says(&pdf, "<pdfaid:conformance>A</pdfaid:conformance>"));
    assert!(xmp_says(&pdf, "<pdfuaid:part>1</pdfuaid:part>"));

    // PDF/UA refuses an image without alt text, and says where it is.
    let no_alt = REPORT.replace(r#", alt: "Mappa dei comuni""#, "");
    assert!(ENGINE.render_with(&no_alt, files, &options()).is_ok());
    let error = ENGINE.render_with(&no_alt, files, &accessible).unwrap_err();
    assert!(matches!(error, PdfError::Export(_)), "{error}");
    assert!(error.to_string().contains("main.typ:14:"), "{error}");
    assert!(error.to_string().contains("missing alt text"), "{error}");
}

#[test]
fn english_page_numbers() {
    let data = report_data("en");
    let rendered = render("report-en", REPORT, &[("data.json", &data), ("map.svg", MAP_SVG.as_bytes())]);
    if !have_tools() {
        return;
    }
    let text = squash(&text_of(&rendered.pdf));
    assert!(text.contains("Page 1 of 1"), "{text}");
    assert!(!text.contains("Pagina"), "{text}");
}

#[test]
fn text_from_json_is_never_markup() {
    let hostile = r#"#panic("x") *bold* $x$ <lbl> @ref _emph_ [link](x) #image("/etc/passwd") \ // end"#;
    let data = serde_json::to_vec(&json!({"title": hostile, "body": hostile, "source": hostile})).unwrap();
    let source = r#"#import "/argine.typ": documento
#let data = json("data.json")
#show: documento.with(title: data.title, source: data.source)
Testo: #data.body
"#;
    let rendered = render("json-injection", source, &[("data.json", &data)]);
    assert_eq!(rendered.pages, 1);
    if !have_tools() {
        return;
    }
    // Title (metadata, header, title block), body and footer all hold the string verbatim.
    assert_eq!(info(&rendered.pdf, "Title"), hostile);
    let text = squash(&text_of(&rendered.pdf));
    assert!(text.contains(&format!("Testo: {hostile}")), "{text}");
    // Title block, body, footer. (Text extraction may split "[link](x)" in the small type of
    // the footer, so compare without white space.)
    let bare = |s: &str| s.split_whitespace().collect::<String>();
    assert_eq!(bare(&text).matches(&bare(hostile)).count(), 3, "{text}");
}

#[test]
fn names_in_many_scripts_render_and_extract() {
    let names = [
        "Çağrı Şahin — Nguyễn",
        "Trần Văn Phước",
        "Олена Шевченко",
        "Bolzano/Bozen, Sankt Ulrich/Ortisei, Straße, Jäger, Öztürk",
        "Forlì-Cesena, perché, Niccolò, Dalmazzò",
        "José Muñoz, François Garçon, Łukasz Wróbel, Ştefan Ţurcanu, Ződ Győző",
        "≤ 18 anni, ≥ 65 anni, 12 €",
    ];
    let data = serde_json::to_vec(&json!({"names": names})).unwrap();
    let source = r#"#import "/argine.typ": documento
#let data = json("data.json")
#show: documento.with(title: "Nomi", source: "Prova")
#for name in data.names [ - #name
]
*#data.names.at(0)* _#data.names.at(1)_
"#;
    let rendered = render("names", source, &[("data.json", &data)]);
    assert!(rendered.warnings.is_empty(), "warnings: {:?}", rendered.warnings);
    if !have_tools() {
        return;
    }
    let text = squash(&text_of(&rendered.pdf));
    for name in names {
        assert!(text.contains(name), "{name:?} not in the PDF text: {text}");
    }
    // Titillium Web lacks ư/ớ and Cyrillic: DejaVu Sans, embedded, fills in.
    let fonts = poppler("pdffonts", &[], &rendered.pdf);
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
}

#[test]
fn compile_errors_name_the_line() {
    let source = "= Titolo\n\nTesto con #undefined_thing qui.\n";
    let error = ENGINE.render(source, &[]).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, PdfError::Compile(_)), "{message}");
    assert!(message.contains("main.typ:3:"), "{message}");
    assert!(message.contains("unknown variable: undefined_thing"), "{message}");
    let first = &error.diagnostics()[0];
    assert_eq!((first.file.as_deref(), first.line, first.column), (Some("main.typ"), Some(3), Some(12)));

    // An error inside the house style names it, and a direct call says where it came from
    // (typst records no trace for the `#show: documento.with(..)` form).
    for (source, called_from) in [
        ("#import \"/argine.typ\": documento\n#show: documento.with(lang: \"fr\")\nx\n", None),
        ("#import \"/argine.typ\": documento\n#documento(lang: \"fr\")[x]\n", Some("main.typ:2:")),
    ] {
        let message = ENGINE.render(source, &[]).unwrap_err().to_string();
        assert!(message.contains(&format!("{HOUSE_STYLE_FILE}:")), "{message}");
        assert!(message.contains("lang must be \"it\" or \"en\", not \"fr\""), "{message}");
        if let Some(place) = called_from {
            assert!(message.contains(&format!("while calling `documento` ({place}")), "{message}");
        }
    }

    // A syntax error in a JSON file points into that file.
    let error = ENGINE.render("#json(\"data.json\")", &[("data.json", b"{\n  \"a\": 1,\n  oops\n}")]).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("data.json:3:"), "{message}");
}

#[test]
fn nothing_outside_the_virtual_files() {
    for (source, expected) in [
        ("#import \"@preview/cetz:0.3.4\": canvas", "package not found"),
        ("#image(\"/etc/hostname\")", "not found"),
        ("#read(\"../../Cargo.toml\")", "Cargo.toml"),
        ("#json(\"missing.json\")", "missing.json"),
    ] {
        let error = ENGINE.render(source, &[]).unwrap_err();
        assert!(matches!(error, PdfError::Compile(_)), "{source}: {error}");
        assert!(error.to_string().contains(expected), "{source}: {error}");
    }
}

#[test]
fn bad_virtual_file_names_are_refused() {
    for name in ["main.typ", "/argine.typ", "../x.json"] {
        let error = ENGINE.render("x", &[(name, b"{}")]).unwrap_err();
        assert!(matches!(error, PdfError::File { .. }), "{name}: {error}");
    }
    let error = ENGINE.render("x", &[("a.json", b"{}"), ("/a.json", b"{}")]).unwrap_err();
    assert!(error.to_string().contains("passed twice"), "{error}");
}

#[test]
fn same_input_same_bytes() {
    let data = report_data("it");
    let files: &[(&str, &[u8])] = &[("data.json", &data), ("map.svg", MAP_SVG.as_bytes())];
    assert_eq!(render("same-1", REPORT, files).pdf, render("same-2", REPORT, files).pdf);
}

/// A long table: `rows` records, header repeated on every page.
fn long_table(rows: usize) -> (String, Vec<u8>) {
    let records: Vec<_> = (1..=rows)
        .map(|i| json!({"n": i, "nome": format!("Riga {i}"), "comune": "Latina", "stato": "aperto"}))
        .collect();
    let data = serde_json::to_vec(&json!({"rows": records})).unwrap();
    let source = r#"#import "/argine.typ": documento, tabella
#let data = json("data.json")
#show: documento.with(title: "Elenco dei casi", source: "Fonte: argine")
#tabella(
  columns: (("n", "N."), ("nome", "Nome"), ("comune", "Comune"), ("stato", "Stato")),
  rows: data.rows,
  widths: (auto, 2fr, 1fr, 1fr),
)
"#
    .to_owned();
    (source, data)
}

/// Rows that fill 30 pages with the house style at the time of writing (≈ 40 a page).
const ROWS_FOR_30_PAGES: usize = 1_310;

#[test]
fn long_table_pages() {
    let (source, data) = long_table(ROWS_FOR_30_PAGES);
    let rendered = render("long-table", &source, &[("data.json", &data)]);
    let pages = rendered.pages;
    assert!((25..=35).contains(&pages), "{pages} pages: the house style changed a lot, retune ROWS_FOR_30_PAGES");
    if !have_tools() {
        return;
    }
    assert_eq!(info(&rendered.pdf, "Pages"), pages.to_string());
    let text = text_of(&rendered.pdf);
    for page in 1..=pages {
        assert!(text.contains(&format!("Pagina {page} di {pages}")), "no footer for page {page}");
    }
    assert!(!text.contains(&format!("Pagina {} di", pages + 1)));
    // The header row repeats on every page; every record is there once.
    assert_eq!(text.matches("Stato").count(), pages);
    assert!(text.contains(&format!("Riga {ROWS_FOR_30_PAGES}")));
    assert_eq!(text.matches("aperto").count(), ROWS_FOR_30_PAGES);
}

/// One sample of every chart and map kind, as (file name, alt text, SVG).
fn sample_charts() -> Vec<(&'static str, &'static str, String)> {
    use argine_reports::chart::{
        BarChart, BarLayout, BoxPlot, BoxStats, Frame, Histogram, LineChart, NumberFormat, Orientation, Palette,
        Series, bar, box_plot, histogram, line,
    };
    use argine_reports::map::{Area, Choropleth, Symbol, Symbols, choropleth, load_geojson, proportional_symbols};
    use std::collections::HashMap;

    let frame = |id: &str, title: &str, w: u32, h: u32| Frame {
        description: format!("{title}: dati di prova"),
        source: "Fonte: argine, dati di prova".to_owned(),
        no_data: "Nessun dato disponibile".to_owned(),
        ..Frame::new(id, title, w, h)
    };
    let regions = ["Puglia", "Calabria", "Campania", "Sicilia", "Lazio", "Piemonte"];
    let mut out = Vec::new();
    let vertical = BarChart {
        frame: Frame {
            subtitle: "Persone, valori assoluti".to_owned(),
            ..frame("bars", "Braccianti stranieri per regione", 640, 340)
        },
        categories: regions.iter().map(|r| (*r).to_owned()).collect(),
        series: vec![Series::new(
            "Persone",
            [Some(12_500.0), Some(7_340.0), Some(9_120.0), Some(10_480.0), Some(6_010.0), None],
        )],
        missing: "n.d.".to_owned(),
        ..BarChart::default()
    };
    out.push(("chart-bars.svg", "Grafico a barre verticali", bar(&vertical).unwrap()));
    let horizontal = BarChart {
        frame: Frame {
            subtitle: "Percentuale di Comuni rispondenti".to_owned(),
            ..frame("grouped", "Partecipazione al censimento", 640, 380)
        },
        orientation: Orientation::Horizontal,
        categories: ["Provincia autonoma di Bolzano/Bozen", "Puglia", "Calabria", "Emilia-Romagna"]
            .map(str::to_owned)
            .to_vec(),
        series: vec![
            Series::new("2024", [Some(48.66), Some(71.2), Some(55.0), Some(80.4)]),
            Series::new("2025", [Some(62.1), Some(83.9), Some(61.35), Some(92.0)]),
        ],
        format: NumberFormat::percent(1),
        ..BarChart::default()
    };
    out.push(("chart-grouped.svg", "Grafico a barre orizzontali raggruppate", bar(&horizontal).unwrap()));
    let stacked = BarChart {
        frame: frame("stacked", "Settore di impiego dei lavoratori intercettati", 640, 360),
        layout: BarLayout::Stacked100,
        categories: ["Foggia", "Latina", "Ragusa", "Cuneo", "Caserta"].map(str::to_owned).to_vec(),
        series: vec![
            Series::new("Agricoltura", [Some(620.0), Some(410.0), Some(530.0), Some(210.0), Some(0.0)]),
            Series::new("Edilizia", [Some(90.0), Some(60.0), Some(40.0), Some(35.0), Some(0.0)]),
            Series::new("Logistica", [Some(40.0), Some(120.0), Some(20.0), Some(70.0), None]),
            Series::new("Altro", [Some(25.0), Some(30.0), Some(15.0), Some(20.0), Some(0.0)]),
        ],
        format: NumberFormat::percent(0),
        missing: "n.d.".to_owned(),
        ..BarChart::default()
    };
    out.push(("chart-stacked.svg", "Barre in pila al 100%", bar(&stacked).unwrap()));
    let stacked_abs = BarChart {
        frame: frame("stacked-abs", "Accessi agli sportelli per genere", 640, 340),
        layout: BarLayout::Stacked,
        palette: Palette::Sequential,
        categories: ["2021", "2022", "2023", "2024", "2025"].map(str::to_owned).to_vec(),
        series: vec![
            Series::new("Uomini", [Some(1_200.0), Some(1_850.0), Some(2_400.0), Some(2_950.0), Some(3_100.0)]),
            Series::new("Donne", [Some(300.0), Some(520.0), Some(780.0), Some(910.0), Some(1_240.0)]),
        ],
        ..BarChart::default()
    };
    out.push(("chart-stacked-abs.svg", "Barre in pila", bar(&stacked_abs).unwrap()));
    let trend = LineChart {
        frame: frame("trend", "Persone negli insediamenti informali", 640, 340),
        x_labels: (2017..=2025).map(|y| y.to_string()).collect(),
        series: vec![
            Series::new(
                "Mezzogiorno",
                [9_800.0, 10_200.0, 10_950.0, 9_400.0, 8_700.0, 9_150.0, 8_800.0, 8_100.0, 7_600.0].map(Some),
            ),
            Series::new(
                "Centro-Nord",
                [
                    Some(2_100.0),
                    Some(2_300.0),
                    None,
                    Some(2_650.0),
                    Some(2_900.0),
                    Some(3_050.0),
                    Some(3_300.0),
                    Some(3_150.0),
                    Some(3_400.0),
                ],
            ),
        ],
        ..LineChart::default()
    };
    out.push(("chart-line.svg", "Grafico a linee", line(&trend).unwrap()));
    let ages = Histogram {
        frame: Frame {
            subtitle: "Persone per classe di età (anni)".to_owned(),
            ..frame("ages", "Età delle persone prese in carico", 640, 320)
        },
        edges: vec![15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 65.0],
        counts: vec![140.0, 820.0, 1_460.0, 1_310.0, 990.0, 720.0, 430.0, 260.0, 120.0, 45.0],
        ..Histogram::default()
    };
    out.push(("chart-histogram.svg", "Istogramma", histogram(&ages).unwrap()));
    let boxes = BoxPlot {
        frame: Frame {
            subtitle: "Euro, min – quartili – max".to_owned(),
            ..frame("pay", "Paga giornaliera dichiarata", 640, 260)
        },
        boxes: vec![
            BoxStats { label: "Nord".into(), min: 25.0, q1: 38.0, median: 45.5, q3: 52.0, max: 70.0 },
            BoxStats { label: "Centro".into(), min: 20.0, q1: 32.0, median: 40.0, q3: 48.0, max: 65.0 },
            BoxStats { label: "Mezzogiorno".into(), min: 15.0, q1: 25.0, median: 30.0, q3: 38.5, max: 55.0 },
        ],
        format: NumberFormat { suffix: " €".to_owned(), ..NumberFormat::decimal(0) },
        ..BoxPlot::default()
    };
    out.push(("chart-box.svg", "Box plot", box_plot(&boxes).unwrap()));
    let empty = BarChart { frame: frame("empty", "Grafico senza dati", 640, 200), ..BarChart::default() };
    out.push(("chart-empty.svg", "Grafico senza dati", bar(&empty).unwrap()));

    let regions = load_geojson(include_str!("../../../data/territory/geo/regioni.geojson"), "code").unwrap();
    let refs: Vec<&Area> = regions.iter().collect();
    let values: HashMap<String, f64> = regions
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 7 != 3)
        .map(|(i, a)| (a.code.clone(), ((i * 7919) % 5000) as f64 + 0.5))
        .collect();
    let fmt = |x: f64| NumberFormat::integer().format(x);
    let spec = Choropleth {
        title: "Lavoratori agricoli stranieri per regione",
        legend_title: "Persone",
        format: &fmt,
        source: "Fonte: argine, dati di prova",
        no_data: "Dato non disponibile",
        width: 460,
    };
    out.push(("map-regions.svg", "Mappa delle regioni", choropleth(&refs, &values, &spec).unwrap()));
    let settlements = [
        (15.55, 41.46, 2_500.0, "Borgo Mezzanone"),
        (15.38, 41.55, 1_800.0, "Gran Ghetto di Rignano"),
        (15.95, 38.45, 900.0, "San Ferdinando"),
        (14.02, 40.98, 600.0, "Castel Volturno"),
        (12.95, 41.35, 350.0, "Latina"),
        (14.53, 36.92, 420.0, "Vittoria"),
        (7.55, 44.39, 150.0, "Saluzzo"),
        (15.63, 41.28, 80.0, "Cerignola"),
    ];
    let symbols: Vec<Symbol> = settlements
        .iter()
        .map(|(lon, lat, value, label)| Symbol { lon: *lon, lat: *lat, value: *value, label: (*label).to_owned() })
        .collect();
    let spec = Symbols {
        id: "ins",
        title: "Insediamenti informali",
        description: "Persone per insediamento informale, dati di prova",
        legend_title: "Persone",
        format: &fmt,
        source: "Fonte: argine, dati di prova",
        width: 460,
        max_radius: 26.0,
    };
    out.push((
        "map-symbols.svg",
        "Mappa a simboli proporzionali",
        proportional_symbols(&refs, &symbols, &spec).unwrap(),
    ));
    out
}

#[test]
fn charts_and_maps_render_in_typst() {
    let charts = sample_charts();
    if let Some(dir) = std::env::var_os("ARGINE_PDF_DUMP_DIR") {
        for (name, _, svg) in &charts {
            std::fs::write(std::path::Path::new(&dir).join(name), svg).unwrap();
        }
    }
    let mut source = String::from(
        "#import \"/argine.typ\": documento\n#show: documento.with(title: \"Grafici e mappe\", source: \"Fonte: argine\")\n",
    );
    for (name, alt, _) in &charts {
        let width = if name.starts_with("map") { "75%" } else { "100%" };
        source.push_str(&format!("#figure(image(\"{name}\", width: {width}, alt: \"{alt}\"))\n"));
    }
    let files: Vec<(&str, &[u8])> = charts.iter().map(|(name, _, svg)| (*name, svg.as_bytes())).collect();
    let rendered = render("charts", &source, &files);
    assert!(rendered.warnings.is_empty(), "warnings: {:?}", rendered.warnings);
    assert!(rendered.pages >= 3, "{} pages", rendered.pages);
    // The accessible profile (PDF/UA) accepts them too, with their alt texts.
    let accessible = RenderOptions { conformance: Conformance::Accessible, ..options() };
    ENGINE.render_with(&source, &files, &accessible).unwrap();
    if !have_tools() {
        return;
    }
    let text = squash(&text_of(&rendered.pdf));
    for expected in [
        "Braccianti stranieri per regione",
        "12.500",
        "10.000",
        "48,7%",
        "Provincia autonoma",
        "Agricoltura",
        "Mezzogiorno",
        "30 €",
        "Nessun dato disponibile",
        "n.d.",
        "Dato non disponibile",
        "Persone",
    ] {
        assert!(text.contains(expected), "{expected:?} not in the PDF text: {text}");
    }
}
