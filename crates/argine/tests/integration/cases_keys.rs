//! Key rotation: after `argine keys rotate`, a keyring holding only the new key still reads
//! every person (and the second-factor secrets).

use crate::cases_support::*;
use crate::helpers::*;
use argine_domain::cases::identity::Identity;
use argine_web::cases::vault::{self, aad};

#[tokio::test]
async fn after_rotation_the_new_key_alone_reads_everyone() {
    let app = spawn().await;
    let op = acting(&app, "operator").await;
    let (person, _, _) =
        register(&app, &op, identity("Samir", "Benali", "1992-04-04", "+39 340 000 1111"), "MAR").await;
    let cfg = test_config(app.dir.path());
    let rotated = argine::casework::rotate_keys(&cfg).await.unwrap();
    assert_eq!(rotated.new_key, 2);
    // The demo's three people and this one.
    assert_eq!(rotated.persons, 4);
    assert!(rotated.totp_secrets >= 1, "{rotated:?}");
    let path = cfg.secrets_file();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut file: toml::Table = toml::from_str(&text).unwrap();
    let keys = file["field_keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 2);
    // Drop the old key from the secrets file.
    file.insert("field_keys".into(), toml::Value::Array(vec![keys[1].clone()]));
    std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
    let new_only = argine::secrets::load_or_create(&path).unwrap();
    assert_eq!(new_only.key_ids(), vec![2]);

    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let p = argine_storage::cases::person(&mut conn, person).await.unwrap();
    let key = new_only.unwrap_data_key(&p.wrapped_key, &aad("persons.dek", person)).unwrap();
    let id: Identity = vault::open(&key, &p.identity_ct, &aad("persons.identity", person)).unwrap().unwrap();
    assert_eq!(id.family_name, "Benali");
    // The server's keyring (old key only) no longer reads the rewrapped key: it was rewrapped.
    assert!(app.state.keyring.unwrap_data_key(&p.wrapped_key, &aad("persons.dek", person)).is_err());
    let users: Vec<(i64, String)> = sqlx::query_as("SELECT id, totp_secret_enc FROM users WHERE totp_secret_enc <> ''")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(!users.is_empty());
    for (uid, enc) in users {
        assert!(new_only.decrypt(&enc, &format!("users.totp_secret.{uid}")).is_ok(), "user {uid}");
    }
    let (audited,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'keys.rotate'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}
