//! The case list at scale on both databases: the organisation's own cases and those referred to
//! it merged newest change first, paged without gaps or repeats, filtered by stage and code
//! prefix; and the counter that every case-work write moves (what the indicator cache trusts).

use super::{on_both, org, refer, user};
use argine_domain::territory::Jurisdiction;
use argine_storage::cases::{self, CaseFilter, ListPlan, PersonAttributes};
use argine_storage::cases_stats;

#[tokio::test]
async fn the_case_list_merges_owned_and_referred_cases_in_pages() {
    on_both(|db| async move {
        let ngo = org(&db, "NGO", Jurisdiction::National).await;
        let body = org(&db, "Anti-tratta", Jurisdiction::National).await;
        let u = user(&db, ngo, "op@example.org").await;
        let attrs = PersonAttributes { sex: "m".into(), comune_code: "020030".into(), ..PersonAttributes::default() };
        let mut conn = db.pool().acquire().await.unwrap();
        let v0 = cases_stats::version(&mut conn).await.unwrap();
        // Seven cases of the NGO, five of the body: three of these referred to the NGO (two
        // pending or accepted, one declined), and one NGO case referred to the body.
        let mut made = Vec::new();
        for i in 0..12_i64 {
            let owner = if i < 7 { ngo } else { body };
            let p =
                cases::insert_person(&mut conn, &format!("MN-{i:04}-AB"), owner, &attrs, None, Some(u)).await.unwrap();
            let c = cases::open_case(&mut conn, p, owner, "020030", u).await.unwrap();
            // Distinct and interleaved change times, two of them equal (the id then decides).
            let at = 1_700_000_000 + [5, 9, 1, 7, 7, 3, 11, 8, 2, 10, 4, 6][i as usize] * 60;
            sqlx::query("UPDATE cases SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(c)
                .execute(&mut *conn)
                .await
                .unwrap();
            made.push((c, p, owner, at));
        }
        let v1 = cases_stats::version(&mut conn).await.unwrap();
        assert!(v1 > v0, "inserts and updates move the counter: {v0} → {v1}");
        let pending = refer(&mut conn, made[7].0, made[7].1, body, ngo, u).await;
        let accepted = refer(&mut conn, made[9].0, made[9].1, body, ngo, u).await;
        let declined = refer(&mut conn, made[11].0, made[11].1, body, ngo, u).await;
        refer(&mut conn, made[0].0, made[0].1, ngo, body, u).await;
        assert!(cases::respond_referral(&mut conn, accepted, "accepted", u, "").await.unwrap());
        assert!(cases::respond_referral(&mut conn, declined, "declined", u, "").await.unwrap());
        let v2 = cases_stats::version(&mut conn).await.unwrap();
        assert!(v2 > v1, "referrals move the counter");

        // Expected: the NGO's seven and the two referred cases still open to it, newest first.
        let mut expected: Vec<(i64, i64)> = made
            .iter()
            .filter(|(c, _, owner, _)| *owner == ngo || *c == made[7].0 || *c == made[9].0)
            .map(|(c, _, _, at)| (*at, *c))
            .collect();
        expected.sort_by(|a, b| b.cmp(a));
        let expected: Vec<i64> = expected.into_iter().map(|(_, c)| c).collect();
        let list = |limit, offset| CaseFilter { org: ngo, limit, offset, ..CaseFilter::default() };
        let all = cases::list_cases(&mut conn, &list(50, 0)).await.unwrap();
        assert_eq!(all.iter().map(|l| l.id).collect::<Vec<_>>(), expected);
        let mut paged = Vec::new();
        for offset in (0..12).step_by(4) {
            paged.extend(cases::list_cases(&mut conn, &list(4, offset)).await.unwrap().into_iter().map(|l| l.id));
        }
        assert_eq!(paged, expected, "pages of four: no gap, no repeat");
        // Both ways of finding the referred cases give the same pages.
        for plan in [ListPlan::Gather, ListPlan::Walk] {
            for (limit, offset) in [(50, 0), (4, 0), (4, 4), (3, 6)] {
                let got = cases::list_cases(&mut conn, &CaseFilter { plan, ..list(limit, offset) }).await.unwrap();
                let want: Vec<i64> = expected.iter().skip(offset as usize).take(limit as usize).copied().collect();
                assert_eq!(got.iter().map(|l| l.id).collect::<Vec<_>>(), want, "{plan:?} {limit} {offset}");
            }
        }
        let pend: Vec<(i64, i64)> =
            all.iter().filter(|l| l.pending_to_me > 0).map(|l| (l.id, l.pending_to_me)).collect();
        assert_eq!(pend, vec![(made[7].0, 1)], "the pending referral {pending}, and only it");
        assert_eq!(all.iter().find(|l| l.id == made[7].0).unwrap().code, "MN-0007-AB");

        // Stage and code prefix: on either branch, case-insensitive, wildcards meaningless.
        cases::set_stage(&mut conn, made[3].0, "protection").await.unwrap();
        cases::set_stage(&mut conn, made[9].0, "protection").await.unwrap();
        let staged = CaseFilter { stage: Some("protection".into()), ..list(50, 0) };
        let mut got: Vec<i64> = cases::list_cases(&mut conn, &staged).await.unwrap().iter().map(|l| l.id).collect();
        got.sort_unstable();
        assert_eq!(got, vec![made[3].0, made[9].0]);
        let code = |c: &str| CaseFilter { code: Some(c.into()), ..list(50, 0) };
        let ids = |v: Vec<cases::CaseLine>| v.into_iter().map(|l| l.id).collect::<Vec<_>>();
        assert_eq!(ids(cases::list_cases(&mut conn, &code("mn-0009")).await.unwrap()), vec![made[9].0]);
        assert_eq!(ids(cases::list_cases(&mut conn, &code("MN-0011")).await.unwrap()), Vec::<i64>::new(), "declined");
        assert_eq!(cases::list_cases(&mut conn, &code("mn-000")).await.unwrap().len(), 9);
        assert!(cases::list_cases(&mut conn, &code("MN-00%")).await.unwrap().len() == 9, "% is not a wildcard");
        assert!(cases::list_cases(&mut conn, &code("MN_0")).await.unwrap().is_empty(), "_ is not a wildcard");
        assert!(cases::list_cases(&mut conn, &code("XX")).await.unwrap().is_empty());
        // A name search narrows to people, on both branches.
        let named = CaseFilter { persons: Some(vec![made[1].1, made[9].1, made[8].1]), ..list(50, 0) };
        let mut got = ids(cases::list_cases(&mut conn, &named).await.unwrap());
        got.sort_unstable();
        assert_eq!(got, vec![made[1].0, made[9].0], "not the body's own unreferred case");
        assert!(
            cases::list_cases(&mut conn, &CaseFilter { persons: Some(vec![]), ..list(50, 0) })
                .await
                .unwrap()
                .is_empty()
        );
        assert!(cases_stats::version(&mut conn).await.unwrap() > v2, "stage changes move the counter");
    })
    .await;
}
