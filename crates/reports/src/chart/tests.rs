//! Charts read back with an XML parser: structure, proportions, ticks, formatting, edge cases.

use super::testing::{all_text, class, num, parse, texts};
use super::*;

fn frame(id: &str) -> Frame {
    Frame {
        id: id.to_owned(),
        width: 640,
        height: 360,
        title: "Presenze per regione".to_owned(),
        description: "Grafico di prova".to_owned(),
        subtitle: "Persone".to_owned(),
        source: "Fonte: argine".to_owned(),
        no_data: "Nessun dato".to_owned(),
    }
}

fn bars(categories: &[&str], series: Vec<Series>) -> BarChart {
    BarChart {
        frame: frame("bars"),
        categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        series,
        ..BarChart::default()
    }
}

/// A number as the charts write it in Italian: "12.500", "48,7%".
fn italian(s: &str) -> f64 {
    s.trim_end_matches('%').replace('.', "").replace(',', ".").parse().unwrap_or_else(|_| panic!("not a number: {s}"))
}

/// Checks that the ticks are 1-2-5 multiples, evenly spaced, and reach `max`.
fn check_ticks(doc: &roxmltree::Document<'_>, max: f64) -> Vec<f64> {
    let ticks: Vec<f64> = texts(doc, "tick").iter().map(|t| italian(t)).collect();
    assert!(ticks.len() >= 2, "{ticks:?}");
    let step = ticks[1] - ticks[0];
    let mantissa = step / 10f64.powf(step.log10().floor());
    assert!([1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9), "step {step} of {ticks:?}");
    for w in ticks.windows(2) {
        assert!((w[1] - w[0] - step).abs() < 1e-9, "{ticks:?} not evenly spaced");
    }
    assert!(*ticks.last().unwrap() >= max, "{ticks:?} do not reach {max}");
    ticks
}

#[test]
fn vertical_bars_are_proportional_with_italian_labels() {
    let chart = bars(
        &["Puglia", "Calabria", "Campania", "Sicilia"],
        vec![Series::new("Persone", [Some(12_500.0), Some(3_100.0), Some(7_250.0), Some(980.0)])],
    );
    let svg = bar(&chart).unwrap();
    let doc = parse(&svg);
    let rects = class(&doc, "bar");
    assert_eq!(rects.len(), 4);
    let values = [12_500.0, 3_100.0, 7_250.0, 980.0];
    let per_unit = num(&rects[0], "height") / values[0];
    for (r, v) in rects.iter().zip(values) {
        assert!((num(r, "height") - v * per_unit).abs() < 0.02, "bar of {v}: {}", num(r, "height"));
    }
    // Same baseline, left to right in category order.
    let bottoms: Vec<f64> = rects.iter().map(|r| num(r, "y") + num(r, "height")).collect();
    assert!(bottoms.windows(2).all(|w| (w[0] - w[1]).abs() < 0.02), "{bottoms:?}");
    assert!(rects.windows(2).all(|w| num(&w[0], "x") < num(&w[1], "x")));
    assert_eq!(texts(&doc, "value"), ["12.500", "3.100", "7.250", "980"]);
    assert_eq!(texts(&doc, "category"), ["Puglia", "Calabria", "Campania", "Sicilia"]);
    let ticks = check_ticks(&doc, 12_500.0);
    assert_eq!(ticks[0], 0.0);
    assert!(texts(&doc, "tick").contains(&"10.000".to_owned()), "{:?}", texts(&doc, "tick"));
    // The axis spans exactly the ticks: the bar of the top tick's value would reach the top line.
    assert_eq!(texts(&doc, "title"), ["Presenze per regione"]);
    assert_eq!(texts(&doc, "source"), ["Fonte: argine"]);
    assert!(class(&doc, "legend").is_empty(), "one series needs no legend");
    assert_eq!(bar(&chart).unwrap(), svg, "same input, same bytes");
}

#[test]
fn horizontal_grouped_bars_with_legend_and_percentages() {
    let mut chart = bars(
        &["Provincia autonoma di Bolzano/Bozen", "Lazio"],
        vec![Series::new("Uomini", [Some(48.66), Some(30.0)]), Series::new("Donne", [Some(12.04), None])],
    );
    chart.orientation = Orientation::Horizontal;
    chart.format = NumberFormat::percent(1);
    chart.missing = "n.d.".to_owned();
    let svg = bar(&chart).unwrap();
    let doc = parse(&svg);
    let rects = class(&doc, "bar");
    assert_eq!(rects.len(), 3, "the missing value has no bar");
    assert_eq!(texts(&doc, "missing"), ["n.d."], "but its place says so");
    let per_unit = num(&rects[0], "width") / 48.66;
    let widths: Vec<f64> = rects.iter().map(|r| num(r, "width") / per_unit).collect();
    // Series order: Uomini (Bolzano, Lazio), then Donne (Bolzano).
    for (w, v) in widths.iter().zip([48.66, 30.0, 12.04]) {
        assert!((w - v).abs() < 0.05, "{widths:?}");
    }
    assert_eq!(texts(&doc, "value"), ["48,7%", "30,0%", "12,0%"]);
    let ticks = texts(&doc, "tick");
    assert!(ticks.iter().all(|t| t.ends_with('%')), "{ticks:?}");
    check_ticks(&doc, 48.66);
    let legend = &class(&doc, "legend")[0];
    let names: Vec<&str> =
        legend.descendants().filter(|n| n.tag_name().name() == "text").filter_map(|n| n.text()).collect();
    assert_eq!(names, ["Uomini", "Donne"]);
    let series = class(&doc, "series");
    assert_eq!(series[0].attribute("fill"), Some(CATEGORICAL[0]));
    assert_eq!(series[1].attribute("fill"), Some(CATEGORICAL[1]));
    // The long name is wrapped, not lost.
    assert!(texts(&doc, "category").concat().starts_with("Provincia"));
}

#[test]
fn negative_values_go_below_zero_in_grouped_bars() {
    let chart = bars(&["2023", "2024"], vec![Series::new("Variazione", [Some(-35.0), Some(120.0)])]);
    let doc_svg = bar(&chart).unwrap();
    let doc = parse(&doc_svg);
    let rects = class(&doc, "bar");
    // The negative bar starts where the positive one ends (the zero line).
    let zero = num(&rects[1], "y") + num(&rects[1], "height");
    assert!((num(&rects[0], "y") - zero).abs() < 0.02);
    assert!((num(&rects[0], "height") / num(&rects[1], "height") - 35.0 / 120.0).abs() < 1e-3);
    assert_eq!(texts(&doc, "value"), ["-35", "120"]);
    assert!(italian(&texts(&doc, "tick")[0]) <= -35.0);
}

#[test]
fn stacked_bars_sum_to_the_total_and_to_the_full_height_at_100() {
    let series = vec![
        Series::new("Agricoltura", [Some(60.0), Some(10.0), Some(0.0)]),
        Series::new("Edilizia", [Some(30.0), Some(30.0), None]),
        Series::new("Altro", [Some(10.0), Some(60.0), None]),
    ];
    let mut chart = bars(&["Foggia", "Latina", "Ragusa"], series.clone());
    chart.layout = BarLayout::Stacked;
    let svg = bar(&chart).unwrap();
    let doc = parse(&svg);
    assert_eq!(texts(&doc, "total"), ["100", "100", "0"]);
    assert_eq!(class(&doc, "bar").len(), 6, "zero and missing values have no segment");

    chart.layout = BarLayout::Stacked100;
    chart.format = NumberFormat::percent(0);
    chart.missing = "n.d.".to_owned();
    let svg = bar(&chart).unwrap();
    let doc = parse(&svg);
    let axis = &class(&doc, "value-axis")[0];
    let lines: Vec<f64> = axis.children().filter(|n| n.tag_name().name() == "line").map(|l| num(&l, "y1")).collect();
    let full = lines[0] - lines[lines.len() - 1];
    assert_eq!(texts(&doc, "tick").last().map(String::as_str), Some("100%"));
    // Group the segments by category (their x) and add up their heights.
    let mut by_x: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    for r in class(&doc, "bar") {
        *by_x.entry((num(&r, "x") * 100.0).round() as i64).or_default() += num(&r, "height");
    }
    assert_eq!(by_x.len(), 2, "Ragusa has no total: no bar");
    for sum in by_x.values() {
        assert!((sum - full).abs() < 0.05, "a 100% bar is {sum} high, the axis {full}");
    }
    assert!(texts(&doc, "value").contains(&"60%".to_owned()));
    assert_eq!(texts(&doc, "missing"), ["n.d."]);

    let mut negative = bars(&["A"], vec![Series::new("x", [Some(-1.0)])]);
    negative.layout = BarLayout::Stacked;
    assert!(matches!(bar(&negative), Err(ChartError::Negative { index: 0, .. })));
}

#[test]
fn nothing_to_draw_shows_the_callers_message() {
    let empty = bars(&[], vec![]);
    let missing = bars(&["A", "B"], vec![Series::new("x", [None, None])]);
    for chart in [empty, missing] {
        let svg = bar(&chart).unwrap();
        let doc = parse(&svg);
        assert_eq!(texts(&doc, "no-data"), ["Nessun dato"]);
        assert!(class(&doc, "bar").is_empty());
    }
    let no_line = line(&LineChart { frame: frame("l"), ..LineChart::default() }).unwrap();
    assert_eq!(texts(&parse(&no_line), "no-data"), ["Nessun dato"]);
    let no_hist = histogram(&Histogram { frame: frame("h"), ..Histogram::default() }).unwrap();
    assert_eq!(texts(&parse(&no_hist), "no-data"), ["Nessun dato"]);
    let no_box = box_plot(&BoxPlot { frame: frame("b"), ..BoxPlot::default() }).unwrap();
    assert_eq!(texts(&parse(&no_box), "no-data"), ["Nessun dato"]);
}

#[test]
fn all_zero_data_is_drawn_on_a_zero_to_one_axis() {
    let zeros = bars(&["A", "B"], vec![Series::new("x", [Some(0.0), Some(0.0)])]);
    for layout in [BarLayout::Grouped, BarLayout::Stacked, BarLayout::Stacked100] {
        for orientation in [Orientation::Vertical, Orientation::Horizontal] {
            let svg = bar(&BarChart { layout, orientation, ..zeros.clone() }).unwrap();
            let doc = parse(&svg);
            if layout == BarLayout::Grouped {
                assert!(class(&doc, "bar").iter().all(|r| num(r, "height") == 0.0 || num(r, "width") == 0.0));
                assert_eq!(texts(&doc, "tick").last().map(|t| italian(t)), Some(1.0));
            }
        }
    }
    let svg = line(&LineChart {
        frame: frame("l"),
        x_labels: vec!["2024".into(), "2025".into()],
        series: vec![Series::new("x", [Some(0.0), Some(0.0)])],
        ..LineChart::default()
    })
    .unwrap();
    parse(&svg);
    let svg = histogram(&Histogram {
        frame: frame("h"),
        edges: vec![0.0, 1.0, 2.0],
        counts: vec![0.0, 0.0],
        ..Histogram::default()
    })
    .unwrap();
    parse(&svg);
}

#[test]
fn bad_input_is_a_typed_error() {
    let nan = bars(&["A"], vec![Series::new("x", [Some(f64::NAN)])]);
    assert_eq!(bar(&nan), Err(ChartError::NotFinite { series: "x".into(), index: 0 }));
    let inf = bars(&["A"], vec![Series::new("x", [Some(f64::INFINITY)])]);
    assert!(matches!(bar(&inf), Err(ChartError::NotFinite { .. })));
    let short = bars(&["A", "B"], vec![Series::new("x", [Some(1.0)])]);
    assert_eq!(bar(&short), Err(ChartError::Length { series: "x".into(), expected: 2, got: 1 }));
    let many = bars(&["A"], (0..9).map(|i| Series::new(&i.to_string(), [Some(1.0)])).collect());
    assert_eq!(bar(&many), Err(ChartError::TooManySeries(9)));
    let mut small = bars(&["A"], vec![Series::new("x", [Some(1.0)])]);
    small.frame.width = 50;
    assert!(matches!(bar(&small), Err(ChartError::TooSmall { .. })));
    let mut bad_id = bars(&["A"], vec![Series::new("x", [Some(1.0)])]);
    bad_id.frame.id = "1 \"x\"".into();
    assert!(matches!(bar(&bad_id), Err(ChartError::BadId(_))));
    let hist = |edges: Vec<f64>, counts: Vec<f64>| {
        histogram(&Histogram { frame: frame("h"), edges, counts, ..Histogram::default() })
    };
    assert!(matches!(hist(vec![0.0, 1.0], vec![1.0, 2.0]), Err(ChartError::Bins { .. })));
    assert!(matches!(hist(vec![0.0, 2.0, 1.0], vec![1.0, 2.0]), Err(ChartError::Bins { .. })));
    assert!(matches!(hist(vec![0.0, 1.0], vec![-1.0]), Err(ChartError::Negative { .. })));
    let unordered = BoxStats { label: "X".into(), min: 1.0, q1: 3.0, median: 2.0, q3: 4.0, max: 5.0 };
    let result = box_plot(&BoxPlot { frame: frame("b"), boxes: vec![unordered], ..BoxPlot::default() });
    assert_eq!(result, Err(ChartError::Unordered { label: "X".into() }));
}

#[test]
fn text_is_escaped_everywhere() {
    let nasty = "Sud <Est> & \"Isole\" 'x'";
    let mut chart =
        bars(&[nasty, "B"], vec![Series::new(nasty, [Some(1.0), Some(2.0)]), Series::new("b", [None, Some(1.0)])]);
    chart.frame.title = nasty.to_owned();
    chart.frame.description = nasty.to_owned();
    chart.frame.subtitle = nasty.to_owned();
    chart.frame.source = nasty.to_owned();
    let svg = bar(&chart).unwrap();
    assert!(!svg.contains("<Est>"));
    let doc = parse(&svg);
    assert_eq!(texts(&doc, "title"), [nasty]);
    assert_eq!(texts(&doc, "subtitle"), [nasty]);
    assert_eq!(texts(&doc, "source"), [nasty]);
    let shown = all_text(&doc);
    assert!(shown.contains(nasty), "{shown}");
    let desc = doc.descendants().find(|n| n.tag_name().name() == "desc").unwrap();
    assert_eq!(desc.text(), Some(nasty));
    let tooltip = doc
        .descendants()
        .find(|n| n.tag_name().name() == "title" && n.parent().is_some_and(|p| p.has_tag_name("rect")));
    assert_eq!(tooltip.and_then(|t| t.text()), Some(format!("{nasty} – {nasty}: 1").as_str()));
}

#[test]
fn lines_break_at_missing_values_and_scale_with_the_values() {
    let chart = LineChart {
        frame: frame("trend"),
        x_labels: (2019..=2025).map(|y| y.to_string()).collect(),
        series: vec![
            Series::new("Nord", [Some(100.0), Some(120.0), None, Some(150.0), Some(160.0), Some(170.0), Some(1_250.5)]),
            Series::new(
                "Sud",
                [Some(400.0), Some(380.0), Some(390.0), Some(420.0), Some(450.0), Some(460.0), Some(470.0)],
            ),
        ],
        format: NumberFormat::decimal(1),
        ..LineChart::default()
    };
    let svg = line(&chart).unwrap();
    let doc = parse(&svg);
    let paths = class(&doc, "line");
    assert_eq!(paths.len(), 2);
    let d = paths[0].attribute("d").unwrap();
    assert_eq!(d.matches('M').count(), 2, "the gap breaks the line: {d}");
    assert_eq!(paths[1].attribute("d").unwrap().matches('M').count(), 1);
    let points = class(&doc, "point");
    assert_eq!(points.len(), 13);
    // Heights above the zero line are proportional to the values.
    let axis = &class(&doc, "value-axis")[0];
    let zero = axis.children().find(|n| n.tag_name().name() == "line").map(|l| num(&l, "y1")).unwrap();
    let (a, b) = (zero - num(&points[0], "cy"), zero - num(&points[5], "cy"));
    assert!((a / b - 100.0 / 1_250.5).abs() < 1e-3, "{a} {b}");
    assert_eq!(texts(&doc, "value"), ["1.250,5", "470,0"]);
    check_ticks(&doc, 1_250.5);
    assert_eq!(texts(&doc, "category").last().map(String::as_str), Some("2025"));
    assert_eq!(class(&doc, "legend").len(), 1);
}

#[test]
fn histogram_bars_touch_and_follow_the_counts() {
    let chart = Histogram {
        frame: frame("eta"),
        edges: vec![0.0, 15.0, 30.0, 45.0, 60.0, 75.0],
        counts: vec![120.0, 2_300.0, 1_800.0, 600.0, 45.0],
        ..Histogram::default()
    };
    let svg = histogram(&chart).unwrap();
    let doc = parse(&svg);
    let rects = class(&doc, "bar");
    assert_eq!(rects.len(), 5);
    let per_unit = num(&rects[1], "height") / 2_300.0;
    for (r, c) in rects.iter().zip(&chart.counts) {
        assert!((num(r, "height") - c * per_unit).abs() < 0.02);
    }
    for w in rects.windows(2) {
        assert!((num(&w[0], "x") + num(&w[0], "width") - num(&w[1], "x")).abs() < 0.02, "bins touch");
    }
    assert_eq!(texts(&doc, "value"), ["120", "2.300", "1.800", "600", "45"]);
    check_ticks(&doc, 2_300.0);
    assert_eq!(texts(&doc, "category").first().map(String::as_str), Some("0"));
}

#[test]
fn box_plots_place_the_quartiles_on_the_axis() {
    let boxes = vec![
        BoxStats { label: "Nord".into(), min: 2.0, q1: 10.0, median: 14.5, q3: 20.0, max: 41.0 },
        BoxStats { label: "Mezzogiorno".into(), min: 0.0, q1: 5.0, median: 8.3, q3: 12.0, max: 30.0 },
    ];
    let svg = box_plot(&BoxPlot { frame: frame("box"), boxes, format: NumberFormat::decimal(1), ..BoxPlot::default() })
        .unwrap();
    let doc = parse(&svg);
    let iqr = class(&doc, "iqr");
    assert_eq!(iqr.len(), 2);
    let medians = class(&doc, "median");
    // The box of Nord spans 10..20 and its median is at 14.5: 45% of the way.
    let (x, w) = (num(&iqr[0], "x"), num(&iqr[0], "width"));
    assert!(((num(&medians[0], "x1") - x) / w - 0.45).abs() < 1e-3);
    // Both boxes share the axis: 10 units are as wide in each.
    let w2 = num(&iqr[1], "width");
    assert!((w / 10.0 - w2 / 7.0).abs() < 0.01);
    assert_eq!(texts(&doc, "value"), ["14,5", "8,3"]);
    check_ticks(&doc, 41.0);
}

#[test]
fn sequential_palette_uses_the_map_blues() {
    assert_eq!(Palette::Sequential.colour(0, 1), crate::map::COLOURS[4]);
    let three: Vec<&str> = (0..3).map(|i| Palette::Sequential.colour(i, 3)).collect();
    assert!(three.iter().all(|c| crate::map::COLOURS[1..].contains(c)));
    assert_eq!(Palette::Sequential.colour(6, 7), CATEGORICAL[6]);
}
