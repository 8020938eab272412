use super::*;
use proptest::prelude::*;

fn territory(code: &str, values: [f64; INDICATORS]) -> Territory {
    Territory {
        code: code.into(),
        name: format!("Comune {code}"),
        region: "16".into(),
        invited: 1,
        respondents: 1,
        values,
        settlements_with_services: 0,
        missing_services: 0,
    }
}

fn input(istat: &str, province: &str, region: &str, answers: Option<Answers>) -> ComuneInput {
    ComuneInput {
        istat: istat.into(),
        name: format!("Comune {istat}"),
        region: region.into(),
        province: province.into(),
        province_name: format!("Provincia {province}"),
        population: 10_000,
        point: None,
        answers,
    }
}

fn settlement(people: u32, age: Option<u32>, services: Option<&str>) -> Answers {
    let mut s = Answers::new().with("E1", "Borgo").with("E3", people.to_string());
    if let Some(a) = age {
        s.set("anni_insediamento", a.to_string());
    }
    if let Some(v) = services {
        s.set("E6", v);
    }
    s
}

fn w(w: [f64; INDICATORS]) -> Weights {
    Weights::new(w).unwrap()
}

#[test]
fn a_comune_s_indicators_are_read_from_its_answers() {
    let a = Answers::new().with("B1", "1").with("B3a", "120").with("B3b", "380").with("F1", "1").with_repeat(
        "insediamenti",
        vec![
            settlement(400, Some(25), Some("acqua")),  // 2 of 3 missing
            settlement(100, Some(3), Some("nessuno")), // 3 of 3 missing
            settlement(50, None, None),                // services unknown: not counted
        ],
    );
    let t = territories(&[input("071029", "071", "16", Some(a))], Level::Comune);
    assert_eq!(t.len(), 1);
    let t = &t[0];
    assert_eq!(t.value(Indicator::Presenze), 500.0);
    assert_eq!(t.value(Indicator::Insediamenti), 3.0);
    assert_eq!(t.value(Indicator::Persone), 550.0);
    assert_eq!(t.value(Indicator::Persistenza), 25.0);
    assert_eq!((t.settlements_with_services, t.missing_services), (2, 5));
    assert!((t.value(Indicator::ServiziMancanti) - 5.0 / 6.0).abs() < 1e-12);
    assert_eq!(t.value(Indicator::Iniziative), 1.0);
}

#[test]
fn workers_count_only_when_b1_is_yes_and_non_respondents_are_left_out() {
    let no = Answers::new().with("B1", "2").with("B3a", "50");
    let t = territories(&[input("001", "P1", "16", Some(no)), input("002", "P1", "16", None)], Level::Comune);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].code, "001");
    assert_eq!(t[0].values, [0.0; INDICATORS]);
}

#[test]
fn provinces_and_regions_sum_pool_and_take_the_oldest() {
    let a = Answers::new()
        .with("B1", "1")
        .with("B3a", "10")
        .with("F1", "1")
        .with_repeat("insediamenti", vec![settlement(100, Some(5), Some("acqua elettr igien"))]);
    let b = Answers::new()
        .with("B1", "1")
        .with("B3b", "30")
        .with("F1", "2")
        .with_repeat("insediamenti", vec![settlement(300, Some(22), Some("nessuno"))]);
    let c = Answers::new().with("B1", "1").with("B3a", "7");
    let comuni = [
        input("001", "P1", "16", Some(a)),
        input("002", "P1", "16", Some(b)),
        input("003", "P2", "16", Some(c)),
        input("004", "P2", "16", None),
        input("005", "P3", "15", None),
    ];
    let p = territories(&comuni, Level::Provincia);
    assert_eq!(p.iter().map(|t| t.code.as_str()).collect::<Vec<_>>(), ["P1", "P2"], "P3 has no respondent");
    assert_eq!(p[0].name, "Provincia P1");
    assert_eq!(p[0].value(Indicator::Presenze), 40.0);
    assert_eq!(p[0].value(Indicator::Insediamenti), 2.0);
    assert_eq!(p[0].value(Indicator::Persone), 400.0);
    assert_eq!(p[0].value(Indicator::Persistenza), 22.0);
    assert!((p[0].value(Indicator::ServiziMancanti) - 0.5).abs() < 1e-12, "3 of 6 pooled");
    assert_eq!(p[0].value(Indicator::Iniziative), 1.0);
    assert_eq!((p[1].invited, p[1].respondents), (2, 1));
    let r = territories(&comuni, Level::Regione);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].name, "Puglia");
    assert_eq!((r[0].invited, r[0].respondents), (4, 3));
    assert_eq!(r[0].value(Indicator::Presenze), 47.0);
}

#[test]
fn min_max_and_rank_normalisation_by_hand() {
    let t = [
        territory("a", [0.0, 5.0, 10.0, 0.0, 0.0, 0.0]),
        territory("b", [50.0, 5.0, 10.0, 0.0, 0.0, 0.0]),
        territory("c", [100.0, 5.0, 40.0, 0.0, 0.0, 0.0]),
    ];
    let n = normalise(&t, Normalisation::MinMax);
    assert_eq!([n[0][0], n[1][0], n[2][0]], [0.0, 0.5, 1.0]);
    assert_eq!([n[0][1], n[1][1], n[2][1]], [0.0, 0.0, 0.0], "equal values: all 0");
    assert_eq!([n[0][2], n[1][2], n[2][2]], [0.0, 0.0, 1.0]);
    let r = normalise(&t, Normalisation::Rank);
    assert_eq!([r[0][0], r[1][0], r[2][0]], [0.0, 0.5, 1.0]);
    assert_eq!([r[0][1], r[1][1], r[2][1]], [0.5, 0.5, 0.5], "three-way tie: mean rank");
    assert_eq!([r[0][2], r[1][2], r[2][2]], [0.25, 0.25, 1.0]);
}

#[test]
fn score_contributions_and_ties_by_code() {
    let t = [
        territory("b", [100.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        territory("a", [100.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        territory("c", [0.0, 0.0, 0.0, 20.0, 0.0, 0.0]),
    ];
    let r = rank(&t, &w([3.0, 0.0, 0.0, 1.0, 0.0, 0.0]), Normalisation::MinMax).unwrap();
    let order: Vec<&str> = r.rows.iter().map(|x| t[x.index].code.as_str()).collect();
    assert_eq!(order, ["a", "b", "c"], "a and b tie at 0.75; a first by code");
    assert_eq!(r.rows[0].score, 0.75);
    assert_eq!(r.rows[2].score, 0.25);
    assert_eq!(r.rows[0].contributions, [0.75, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(r.rows.iter().map(|x| x.rank).collect::<Vec<_>>(), [1, 2, 3]);
}

#[test]
fn sensitivity_by_hand() {
    // a and b tie at equal weights (a first by code); lowering the first weight by 20% puts b
    // first, lowering the second puts a first; c is last whatever the weights.
    let t = [
        territory("a", [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        territory("b", [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]),
        territory("c", [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
    ];
    let r = rank(&t, &w([1.0, 1.0, 0.0, 0.0, 0.0, 0.0]), Normalisation::MinMax).unwrap();
    let by = |code: &str| r.rows.iter().find(|x| t[x.index].code == code).unwrap().clone();
    assert_eq!(by("a").rank, 1);
    assert_eq!(by("a").sensitivity, Sensitivity { best: 1, worst: 2, max_up: 0, max_down: 1 });
    assert_eq!(by("b").sensitivity, Sensitivity { best: 1, worst: 2, max_up: 1, max_down: 0 });
    assert_eq!(by("c").sensitivity, Sensitivity { best: 3, worst: 3, max_up: 0, max_down: 0 });
}

#[test]
fn weights_are_checked() {
    let mut x = [1.0; INDICATORS];
    x[2] = -1.0;
    assert_eq!(Weights::new(x), Err(PriorityError::NegativeWeight(Indicator::Persone)));
    x[2] = f64::NAN;
    assert_eq!(Weights::new(x), Err(PriorityError::InvalidWeight(Indicator::Persone)));
    assert_eq!(Weights::new([0.0; INDICATORS]), Err(PriorityError::AllZero));
    assert_eq!(Weights::new([0.0; INDICATORS]).unwrap_err().code(), "priority-weights-zero");
    assert_eq!(rank(&[], &Weights::default_weights(), Normalisation::MinMax), Err(PriorityError::NoTerritories));
    for i in Indicator::ALL {
        assert_eq!(Indicator::parse(i.code()), Some(i));
        assert_eq!(Indicator::ALL[i.index()], i);
    }
}

#[test]
fn the_shortlist_gives_its_reasons_in_italian() {
    let mut big = territory("071029", [2_500.0, 3.0, 4_000.0, 25.0, 0.8, 1.0]);
    big.name = "Manfredonia".into();
    let t = [big, territory("x", [100.0, 0.0, 0.0, 0.0, 0.0, 0.0]), territory("y", [0.0; INDICATORS])];
    let r = rank(&t, &w([3.0, 0.0, 2.0, 1.0, 0.0, 0.0]), Normalisation::MinMax).unwrap();
    let s = shortlist(&t, &r, 2);
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].name, "Manfredonia");
    assert_eq!(s[0].reasons, [Indicator::Presenze, Indicator::Persone, Indicator::Persistenza]);
    assert_eq!(
        s[0].reasons_it,
        "lavoratori stranieri dichiarati (2.500); persone negli insediamenti informali (4.000); \
         anni di persistenza dell'insediamento più vecchio (25)"
    );
    assert_eq!(s[1].reasons, [Indicator::Presenze]);
}

fn arb_territories() -> impl Strategy<Value = Vec<Territory>> {
    prop::collection::vec(prop::array::uniform6(0.0..1_000.0f64), 1..40)
        .prop_map(|rows| rows.into_iter().enumerate().map(|(k, v)| territory(&format!("{k:04}"), v)).collect())
}

fn arb_weights() -> impl Strategy<Value = [f64; INDICATORS]> {
    prop::array::uniform6(0.0..10.0f64).prop_filter("not all zero", |w| w.iter().any(|x| *x > 0.01))
}

fn arb_normalisation() -> impl Strategy<Value = Normalisation> {
    prop_oneof![Just(Normalisation::MinMax), Just(Normalisation::Rank)]
}

fn codes(t: &[Territory], r: &Ranking) -> Vec<String> {
    r.rows.iter().map(|x| t[x.index].code.clone()).collect()
}

proptest! {
    #[test]
    fn contributions_sum_to_the_score(t in arb_territories(), ws in arb_weights(), n in arb_normalisation()) {
        let r = rank(&t, &w(ws), n).unwrap();
        for row in &r.rows {
            let sum: f64 = row.contributions.iter().sum();
            prop_assert!((sum - row.score).abs() < 1e-12);
            prop_assert!((0.0..=1.0 + 1e-12).contains(&row.score));
        }
        prop_assert!(r.rows.windows(2).all(|p| p[0].score >= p[1].score - 1e-9));
        prop_assert_eq!(r.rows.iter().map(|x| x.rank).collect::<Vec<_>>(), (1..=t.len()).collect::<Vec<_>>());
    }

    #[test]
    fn scaling_every_weight_leaves_the_ranking_unchanged(
        t in arb_territories(), ws in arb_weights(), c in 0.01..100.0f64, n in arb_normalisation()
    ) {
        let a = rank(&t, &w(ws), n).unwrap();
        let b = rank(&t, &w(ws.map(|x| x * c)), n).unwrap();
        prop_assert_eq!(codes(&t, &a), codes(&t, &b));
    }

    #[test]
    fn a_territory_dominating_on_every_indicator_ranks_first(
        mut t in arb_territories(), ws in arb_weights(), n in arb_normalisation()
    ) {
        let mut top = [0.0; INDICATORS];
        for row in &t {
            for (m, x) in top.iter_mut().zip(row.values) {
                *m = f64::max(*m, x);
            }
        }
        // Strictly above everyone, filed last so that no tie-break by position helps it.
        t.push(territory("9999", top.map(|x| x + 1.0)));
        let r = rank(&t, &w(ws), n).unwrap();
        prop_assert_eq!(&t[r.rows[0].index].code, "9999");
        prop_assert_eq!(r.rows[0].sensitivity.max_down, 0);
    }

    #[test]
    fn sensitivity_brackets_the_rank(t in arb_territories(), ws in arb_weights()) {
        let r = rank(&t, &w(ws), Normalisation::MinMax).unwrap();
        for row in &r.rows {
            let s = row.sensitivity;
            prop_assert!(s.best <= row.rank && row.rank <= s.worst && s.worst <= t.len());
            prop_assert_eq!(s.max_up, row.rank - s.best);
            prop_assert_eq!(s.max_down, s.worst - row.rank);
        }
    }
}
