//! The case indicators on both databases: the counts read through the covering indexes and the
//! person's attributes copied on the case (migration 0015) equal the counts worked out here from
//! the rows, for every scope, after the writes that change them.

use super::{on_both, org, refer, user};
use argine_domain::territory::Jurisdiction;
use argine_storage::cases::{self, PersonAttributes};
use argine_storage::cases_stats::{self as stats, Counts, Scope};
use std::collections::BTreeMap;

/// (stage, outcome, sex, age band, nationality, Comune, opened, closed, close reason).
type CaseRow = (String, Option<String>, String, String, String, String, i64, Option<i64>, Option<String>);

fn sorted(c: Counts) -> BTreeMap<Vec<String>, i64> {
    let mut m = BTreeMap::new();
    for (k, n) in c {
        *m.entry(k).or_insert(0) += n;
    }
    m
}

#[tokio::test]
async fn indicators_equal_the_counts_of_the_rows_after_every_kind_of_write() {
    on_both(|db| async move {
        let ngo = org(&db, "NGO", Jurisdiction::National).await;
        let body = org(&db, "Anti-tratta", Jurisdiction::National).await;
        let u = user(&db, ngo, "op@example.org").await;
        let mut conn = db.pool().acquire().await.unwrap();
        // Ten people in Mantova (020) and Foggia (071), eight with a case, opened on two days.
        let sexes = ["m", "f", "unknown"];
        let bands = ["18-24", "25-34", "35-49"];
        let nats = ["IND", "MAR", "NGA", "PAK"];
        let mut cases_made = Vec::new();
        for i in 0..10_usize {
            let comune = if i % 3 == 0 { "071051" } else { "020030" };
            let attrs = PersonAttributes {
                sex: sexes[i % 3].into(),
                age_band: bands[i % 3].into(),
                nationality: nats[i % 4].into(),
                comune_code: comune.into(),
                ..PersonAttributes::default()
            };
            let p =
                cases::insert_person(&mut conn, &format!("ST-{i:04}-AB"), ngo, &attrs, None, Some(u)).await.unwrap();
            if i < 8 {
                let c = cases::open_case(&mut conn, p, ngo, comune, u).await.unwrap();
                let opened = 1_700_000_000 + if i < 4 { 0 } else { 86_400 * 10 };
                sqlx::query("UPDATE cases SET opened_at = $1 WHERE id = $2")
                    .bind(opened)
                    .bind(c)
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                cases_made.push((c, p));
            }
        }
        // Changes after opening: a person's attributes, stages, an outcome, a closure, referrals.
        let p0 = cases_made[0].1;
        let changed = PersonAttributes {
            sex: "f".into(),
            age_band: "50-64".into(),
            nationality: "SEN".into(),
            comune_code: "071051".into(),
            ..PersonAttributes::default()
        };
        cases::update_person_attributes(&mut conn, p0, &changed).await.unwrap();
        cases::set_stage(&mut conn, cases_made[1].0, "preliminary").await.unwrap();
        cases::set_outcome(&mut conn, cases_made[1].0, "presumed_victim").await.unwrap();
        cases::close_case(&mut conn, cases_made[2].0, "safe", 2_000_000_000).await.unwrap();
        for (i, (c, p)) in cases_made.iter().enumerate().skip(4).take(3) {
            let r = refer(&mut conn, *c, *p, ngo, body, u).await;
            if i == 5 {
                assert!(cases::respond_referral(&mut conn, r, "accepted", u, "").await.unwrap());
            }
        }

        // The rows, read plainly (the person's attributes from `persons`, not from the copy).
        let rows: Vec<CaseRow> = sqlx::query_as(
            "SELECT c.stage, c.outcome, p.sex, p.age_band, p.nationality, c.comune_code, c.opened_at, c.closed_at,
                        c.close_reason
                 FROM cases c JOIN persons p ON p.id = c.person_id",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let refs: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT r.to_org, r.status, r.created_at, c.comune_code FROM referrals r JOIN cases c ON c.id = r.case_id",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        let people: Vec<(String, i64)> =
            sqlx::query_as("SELECT comune_code, created_at FROM persons").fetch_all(&mut *conn).await.unwrap();
        assert_eq!(rows.len(), 8);

        let scopes = [
            Scope::default(),
            Scope { provinces: Some(vec!["020".into()]), ..Scope::default() },
            Scope { provinces: Some(vec!["071".into(), "020".into()]), ..Scope::default() },
            Scope { from: Some(1_700_000_000 + 86_400), ..Scope::default() },
            Scope { from: Some(0), to: Some(1_700_000_000 + 86_400), provinces: Some(vec!["071".into()]) },
            Scope { provinces: Some(vec![]), ..Scope::default() },
        ];
        for s in &scopes {
            let inside = |at: i64, comune: &str| {
                s.from.is_none_or(|f| at >= f)
                    && s.to.is_none_or(|t| at < t)
                    && s.provinces.as_ref().is_none_or(|p| p.iter().any(|p| comune.starts_with(p.as_str())))
            };
            let mut want_stage = BTreeMap::new();
            let mut want_person = BTreeMap::new();
            let mut want_closed = BTreeMap::new();
            for (stage, outcome, sex, band, nat, comune, opened, closed, reason) in &rows {
                if inside(*opened, comune) {
                    *want_stage.entry(vec![stage.clone(), outcome.clone().unwrap_or_default()]).or_insert(0) += 1;
                    *want_person.entry(vec![sex.clone(), band.clone(), nat.clone()]).or_insert(0) += 1;
                }
                if let Some(t) = closed
                    && inside(*t, comune)
                {
                    *want_closed.entry(vec![reason.clone().unwrap_or_default()]).or_insert(0) += 1;
                }
            }
            let mut want_refs = BTreeMap::new();
            for (to, status, at, comune) in &refs {
                if inside(*at, comune) {
                    *want_refs.entry(vec![to.to_string(), status.clone()]).or_insert(0) += 1;
                }
            }
            let want_contacts = people.iter().filter(|(c, at)| inside(*at, c)).count() as i64;
            assert_eq!(sorted(stats::cases_by_stage_outcome(&mut conn, s).await.unwrap()), want_stage, "{s:?}");
            assert_eq!(sorted(stats::cases_by_person(&mut conn, s).await.unwrap()), want_person, "{s:?}");
            assert_eq!(sorted(stats::closures(&mut conn, s).await.unwrap()), want_closed, "{s:?}");
            assert_eq!(sorted(stats::referrals(&mut conn, s).await.unwrap()), want_refs, "{s:?}");
            assert_eq!(stats::contacts(&mut conn, s).await.unwrap(), want_contacts, "{s:?}");
            let accepted = refs.iter().filter(|(_, st, at, c)| st == "accepted" && inside(*at, c)).count();
            assert_eq!(stats::seconds_to_acceptance(&mut conn, s).await.unwrap().len(), accepted, "{s:?}");
        }
        // The changed person is counted with the new attributes, once.
        let all = sorted(stats::cases_by_person(&mut conn, &Scope::default()).await.unwrap());
        assert_eq!(all.get(&vec!["f".to_owned(), "50-64".to_owned(), "SEN".to_owned()]), Some(&1));
        assert_eq!(all.values().sum::<i64>(), 8);
    })
    .await;
}
