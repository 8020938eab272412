//! The service directory and outreach sessions on both databases: the directory read back
//! whole with its hours, teams with members and route, sessions recorded once per client UUID
//! (a sync sent twice, or racing itself), their grids and totals.

use super::{on_both, org, user};
use argine_domain::outreach::{self as domain, ContactRow, MaterialRow, SessionInput};
use argine_domain::territory::{Jurisdiction, TerritoryUnit};
use argine_storage::outreach::{self, NewTeam, Recorded};
use argine_storage::services::{self, ServiceFields};
use argine_storage::{Db, StorageError};

fn mantova() -> Jurisdiction {
    Jurisdiction::Units(vec![TerritoryUnit::Province("020".into())])
}

fn session(uuid: &str, team: i64, counts: &[(&str, i64)]) -> domain::CheckedSession {
    let input = SessionInput {
        client_uuid: uuid.into(),
        held_on: "2026-04-15".into(),
        comune: "020017".into(),
        team_id: Some(team),
        contacts: counts
            .iter()
            .map(|(nat, n)| ContactRow {
                sex: "m".into(),
                age_band: "25_34".into(),
                nationality: (*nat).into(),
                sector: "agricoltura".into(),
                count: *n,
            })
            .collect(),
        materials: vec![MaterialRow { material: "volantino".into(), language: "pa".into(), quantity: 12 }],
        needs: vec!["salario".into(), "documenti".into()],
        ..Default::default()
    };
    domain::check_session(&input, "2026-05-01").unwrap()
}

#[tokio::test]
async fn the_directory_is_read_back_whole_with_its_hours() {
    on_both(|db: Db| async move {
        let lule = org(&db, "Lule", mantova()).await;
        let mut tx = db.begin().await.unwrap();
        let fields = ServiceFields {
            kind: "social_desk",
            name: "Sportello di ascolto",
            languages: "it ar pa",
            email: "sportello@lule.invalid",
            ..Default::default()
        };
        let s = services::create(&mut tx, lule, &fields, None).await.unwrap();
        let l = services::create_location(&mut tx, lule, "Sede", "Via Roma 1", "020017", Some((10.48, 45.39)))
            .await
            .unwrap();
        let hours =
            [domain::parse_day(1, "09:00-13:00").unwrap(), domain::parse_day(3, "15:00-18:00").unwrap()].concat();
        let sal = services::offer_at(&mut tx, s, l, true, "", &hours).await.unwrap();
        tx.commit().await.unwrap();
        // The same service twice at the same location is refused by name (in a transaction of
        // its own: on PostgreSQL the refusal spends it).
        let mut tx = db.begin().await.unwrap();
        let again = services::offer_at(&mut tx, s, l, false, "", &[]).await;
        assert!(
            matches!(again, Err(StorageError::Conflict(ref c)) if c == "service_at_location_pair_key"),
            "{again:?}"
        );
        drop(tx);

        let mut tx = db.begin().await.unwrap();
        services::update(&mut tx, s, &ServiceFields { name: "Sportello Lule", ..fields.clone() }, "active")
            .await
            .unwrap();
        assert!(matches!(services::update(&mut tx, 999_999, &fields, "active").await, Err(StorageError::NotFound)));
        services::set_hours(&mut tx, sal, &domain::parse_day(5, "10:00-12:00").unwrap()).await.unwrap();
        tx.commit().await.unwrap();

        let mut conn = db.pool().acquire().await.unwrap();
        let d = services::directory(&mut conn).await.unwrap();
        assert_eq!(d.services.len(), 1);
        assert_eq!(d.services[0].name, "Sportello Lule");
        assert_eq!(d.services[0].uuid.len(), 36);
        assert_eq!(d.org_uuids.len(), 1, "the organisation got its HSDS id once");
        assert_eq!(d.org_uuids[0].0, lule);
        let places = d.places_of(s);
        assert_eq!(places.len(), 1);
        assert_eq!(places[0].1.comune_code, "020017");
        assert_eq!(places[0].1.lat, Some(45.39));
        assert_eq!(places[0].0.listening_point, 1);
        assert_eq!(d.hours_of(sal), domain::parse_day(5, "10:00-12:00").unwrap(), "hours replaced");
    })
    .await;
}

#[tokio::test]
async fn a_session_is_stored_once_per_client_uuid() {
    on_both(|db: Db| async move {
        let lule = org(&db, "Lule", mantova()).await;
        let other = org(&db, "Altra", mantova()).await;
        let olga = user(&db, lule, "olga@lule.invalid").await;
        let mut tx = db.begin().await.unwrap();
        let team = outreach::create_team(
            &mut tx,
            &NewTeam {
                org_id: lule,
                name: "Unità mobile",
                comune_code: "020017",
                languages: "it pa",
                mediators: "1: punjabi",
                members: &[olga, olga],
                created_by: Some(olga),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        outreach::add_stop(&mut tx, team, "2026-04-20", "020017", None, "Campi lungo il Chiese", "18:00-20:00")
            .await
            .unwrap();
        outreach::add_stop(&mut tx, team, "2026-04-13", "020066", None, "", "").await.unwrap();
        tx.commit().await.unwrap();

        let uuid = "6f1c2b1e-93a4-4c5d-8e2f-0a1b2c3d4e5f";
        let s = session(uuid, team, &[("IN", 4), ("MA", 2)]);
        let mut tx = db.begin().await.unwrap();
        let first = outreach::record(&mut tx, lule, &s, "offline", Some(olga)).await.unwrap();
        tx.commit().await.unwrap();
        assert!(matches!(first, Recorded::Created(_)));
        // Synced again (the phone did not see the answer): the same session, nothing added.
        let mut tx = db.begin().await.unwrap();
        let mut changed = s.clone();
        changed.contacts[0].count = 99;
        let second = outreach::record(&mut tx, lule, &changed, "offline", Some(olga)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(second, Recorded::Existing(first.id()));
        // Another organisation cannot claim (or learn about) the UUID.
        let mut tx = db.begin().await.unwrap();
        let stolen = outreach::record(&mut tx, other, &s, "api", None).await;
        assert!(matches!(stolen, Err(StorageError::Conflict(c)) if c == "outreach_sessions_client_uuid_key"));
        drop(tx);

        let mut conn = db.pool().acquire().await.unwrap();
        assert_eq!(outreach::count_by_uuid(&mut conn, uuid).await.unwrap(), 1);
        let stored = outreach::session(&mut conn, first.id()).await.unwrap();
        assert_eq!(stored.contacts, 6);
        assert_eq!(stored.needs, "salario documenti");
        assert_eq!(stored.source, "offline");
        let grid = outreach::contacts(&mut conn, first.id()).await.unwrap();
        assert_eq!(grid.iter().map(|c| c.count).collect::<Vec<_>>(), vec![4, 2]);
        assert_eq!(grid[0].nationality, "IN");
        let mats = outreach::materials(&mut conn, first.id()).await.unwrap();
        assert_eq!(mats, vec![MaterialRow { material: "volantino".into(), language: "pa".into(), quantity: 12 }]);
        assert_eq!(outreach::members(&mut conn, team).await.unwrap(), vec![(olga, "Mario Rossi".to_owned())]);
        let route = outreach::route(&mut conn, team).await.unwrap();
        assert_eq!(route.iter().map(|r| r.visit_on.as_str()).collect::<Vec<_>>(), vec!["2026-04-13", "2026-04-20"]);
        let all = outreach::sessions(&mut conn).await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(outreach::teams(&mut conn).await.unwrap()[0].mediators, "1: punjabi");
    })
    .await;
}

#[tokio::test]
async fn two_syncs_racing_store_one_session() {
    on_both(|db: Db| async move {
        let lule = org(&db, "Lule", mantova()).await;
        let mut tx = db.begin().await.unwrap();
        let team = outreach::create_team(
            &mut tx,
            &NewTeam { org_id: lule, name: "U", comune_code: "020017", ..Default::default() },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let uuid = "0d3e1f20-1111-4a2b-9c3d-4e5f60718293";
        let s = session(uuid, team, &[("SN", 3)]);
        let go = |db: Db, s: domain::CheckedSession| async move {
            let mut tx = db.begin().await.unwrap();
            let r = outreach::record(&mut tx, lule, &s, "offline", None).await;
            match r {
                Ok(r) => {
                    tx.commit().await.unwrap();
                    Ok(r)
                }
                Err(e) => Err(e),
            }
        };
        let (a, b) = tokio::join!(go(db.clone(), s.clone()), go(db.clone(), s.clone()));
        // One created it; the other, on either database, answers with the same session.
        let (a, b) = (a.unwrap(), b.unwrap());
        let created = [&a, &b].iter().filter(|r| matches!(r, Recorded::Created(_))).count();
        assert_eq!((created, a.id()), (1, b.id()), "{a:?} {b:?}");
        let mut conn = db.pool().acquire().await.unwrap();
        assert_eq!(outreach::count_by_uuid(&mut conn, uuid).await.unwrap(), 1);
        assert_eq!(outreach::session(&mut conn, a.id()).await.unwrap().contacts, 3);
    })
    .await;
}
