use super::*;
use proptest::prelude::*;

fn r(code: &str, indicator: f64, factors: &[f64]) -> Recipient {
    Recipient { code: code.into(), name: format!("Comune {code}"), indicator, factors: factors.to_vec() }
}

fn totals(a: &Allocation) -> Vec<i64> {
    a.shares.iter().map(|s| s.total).collect()
}

#[test]
fn a_constructed_case_by_hand() {
    // Fund €1,000, fixed €100 each for 3 Comuni: variable pool V = 1,000 − 300 = 700.
    // Weights w = indicator × factor: A 3 × 1.2 = 3.6, B 5 × 1 = 5, C 2 × 1 = 2; W = 10.6.
    // Exact shares V·w/W: A 700·3.6/10.6 = 237.735…, B 700·5/10.6 = 330.188…, C 700·2/10.6 = 132.075…
    // Floors 237 + 330 + 132 = 699: one euro left, to the largest remainder (A, .735).
    // Totals: A 100 + 238 = 338, B 100 + 330 = 430, C 100 + 132 = 232; 338 + 430 + 232 = 1,000.
    let a =
        allocate(Formula { fund: 1_000, fixed: 100 }, &[r("A", 3.0, &[1.2]), r("B", 5.0, &[1.0]), r("C", 2.0, &[1.0])])
            .unwrap();
    assert_eq!(a.variable_pool, 700);
    assert_eq!(a.shares.iter().map(|s| s.variable).collect::<Vec<_>>(), [238, 330, 132]);
    assert_eq!(totals(&a), [338, 430, 232]);
    assert_eq!(a.total(), 1_000);
    assert!((a.shares[0].quota - 3.6 / 10.6).abs() < 1e-12);
    assert!((a.shares[0].factor - 1.2).abs() < 1e-12);
}

#[test]
fn equal_remainders_go_to_the_larger_weight_then_by_code() {
    // V = 700 in thirds: 233.33… each, floors 699, the one euro left goes to A (by code).
    let a =
        allocate(Formula { fund: 1_000, fixed: 100 }, &[r("B", 1.0, &[]), r("A", 1.0, &[]), r("C", 1.0, &[])]).unwrap();
    assert_eq!(totals(&a), [333, 334, 333]);
    // V = 10 split 1 : 1 : 2 → 2.5, 2.5, 5: the euro left goes to one of the halves, by code.
    let a = allocate(Formula { fund: 10, fixed: 0 }, &[r("Z", 1.0, &[]), r("Y", 1.0, &[]), r("X", 2.0, &[])]).unwrap();
    assert_eq!(totals(&a), [2, 3, 5]);
}

#[test]
fn the_pnrr_decree_in_miniature() {
    // €200M among 37 Comuni: €1M each, €163M by presences, corrected by age and initiatives.
    let mut rs: Vec<Recipient> = (0..37).map(|k| r(&format!("{k:06}"), f64::from(100 + k * 37), &[1.0, 1.0])).collect();
    rs[0] = r("071029", 4_000.0, &[1.5, 1.1]); // Manfredonia: Borgo Mezzanone, over twenty years, initiatives
    rs[1] = r("071051", 2_100.0, &[1.5, 1.0]); // San Severo
    let a = allocate(Formula { fund: 200_000_000, fixed: 1_000_000 }, &rs).unwrap();
    assert_eq!(a.variable_pool, 163_000_000);
    assert_eq!(a.total(), 200_000_000);
    assert!(a.shares.iter().all(|s| s.total >= 1_000_000));
    assert!(a.shares[0].total > a.shares[1].total && a.shares[1].total > a.shares[2].total);
}

#[test]
fn errors_are_clear() {
    let f = Formula { fund: 1_000, fixed: 400 };
    assert_eq!(
        allocate(f, &[r("A", 1.0, &[]), r("B", 1.0, &[]), r("C", 1.0, &[])]),
        Err(AllocationError::FundBelowFixed { fund: 1_000, fixed_total: 1_200 })
    );
    let f = Formula { fund: 1_000, fixed: 100 };
    assert_eq!(allocate(f, &[]), Err(AllocationError::NoRecipients));
    assert_eq!(allocate(f, &[r("A", 0.0, &[1.0]), r("B", 5.0, &[0.0])]), Err(AllocationError::AllZero));
    assert_eq!(allocate(f, &[r("A", -1.0, &[])]), Err(AllocationError::InvalidIndicator("A".into())));
    assert_eq!(allocate(f, &[r("A", f64::NAN, &[])]), Err(AllocationError::InvalidIndicator("A".into())));
    assert_eq!(allocate(f, &[r("A", 1.0, &[-0.5])]), Err(AllocationError::InvalidFactor("A".into())));
    assert_eq!(allocate(f, &[r("A", 1.0, &[1.0]), r("B", 1.0, &[])]), Err(AllocationError::FactorCount("B".into())));
    assert_eq!(allocate(f, &[r("A", 1.0, &[]), r("A", 2.0, &[])]), Err(AllocationError::Duplicate("A".into())));
    assert_eq!(allocate(Formula { fund: -1, fixed: 0 }, &[r("A", 1.0, &[])]), Err(AllocationError::NegativeFund));
    assert_eq!(allocate(Formula { fund: 1, fixed: -1 }, &[r("A", 1.0, &[])]), Err(AllocationError::NegativeFixed));
    assert_eq!(AllocationError::AllZero.code(), "allocation-all-zero");
    // Exactly the fixed shares: nothing variable, so an all-zero indicator is fine.
    let a = allocate(Formula { fund: 300, fixed: 100 }, &[r("A", 0.0, &[]), r("B", 0.0, &[]), r("C", 0.0, &[])]);
    assert_eq!(a.map(|a| totals(&a)), Ok(vec![100, 100, 100]));
}

#[test]
fn class_factors_and_scenarios_side_by_side() {
    let age = ClassFactor { classes: vec![(21.0, 1.5), (7.0, 1.2)] };
    assert_eq!(
        [age.factor(0.0), age.factor(7.0), age.factor(20.0), age.factor(21.0), age.factor(40.0)],
        [1.0, 1.2, 1.2, 1.5, 1.5]
    );
    let rs = [r("A", 10.0, &[]), r("B", 30.0, &[])];
    let a = allocate(Formula { fund: 1_000, fixed: 0 }, &rs).unwrap();
    let b = allocate(Formula { fund: 1_000, fixed: 400 }, &rs).unwrap();
    let d = compare(&a, &b);
    // a: 250 / 750; b: 400 + 50 = 450 / 400 + 150 = 550.
    assert_eq!(
        d.iter().map(|x| (x.code.as_str(), x.a, x.b, x.difference)).collect::<Vec<_>>(),
        [("A", 250, 450, 200), ("B", 750, 550, -200)]
    );
    let only_b = allocate(Formula { fund: 100, fixed: 0 }, &[r("C", 1.0, &[])]).unwrap();
    let d = compare(&a, &only_b);
    assert_eq!(
        d.iter().map(|x| (x.code.as_str(), x.difference)).collect::<Vec<_>>(),
        [("A", -250), ("B", -750), ("C", 100)]
    );
}

fn arb_recipients() -> impl Strategy<Value = Vec<Recipient>> {
    prop::collection::vec((0.0..1e6f64, prop::collection::vec(0.5..2.0f64, 2)), 1..60)
        .prop_map(|rows| rows.into_iter().enumerate().map(|(k, (x, f))| r(&format!("{k:06}"), x.round(), &f)).collect())
}

proptest! {
    #[test]
    fn the_shares_sum_to_the_fund_exactly(rs in arb_recipients(), fund in 0i64..1_000_000_000_000, fixed_part in 0.0..1.0f64) {
        let fixed = ((fund as f64 * fixed_part) as i64) / rs.len() as i64;
        match allocate(Formula { fund, fixed }, &rs) {
            Ok(a) => {
                prop_assert_eq!(a.total(), fund);
                for s in &a.shares {
                    prop_assert!(s.variable >= 0 && s.total == s.fixed + s.variable);
                    // Within one euro of the exact share.
                    prop_assert!((s.variable as f64 - s.quota * a.variable_pool as f64).abs() <= 1.0 + 1e-6 * a.variable_pool as f64);
                }
            }
            Err(e) => prop_assert_eq!(e, AllocationError::AllZero),
        }
    }

    #[test]
    fn more_presences_never_less_money(rs in arb_recipients(), fund in 0i64..100_000_000, which in any::<prop::sample::Index>(), more in 1.0..1e5f64) {
        let k = which.index(rs.len());
        let before = allocate(Formula { fund, fixed: 0 }, &rs);
        let mut grown = rs.clone();
        grown[k].indicator += more.round();
        let after = allocate(Formula { fund, fixed: 0 }, &grown).unwrap();
        if let Ok(before) = before {
            prop_assert!(after.shares[k].total >= before.shares[k].total);
        }
    }
}
