//! Census questionnaires: upload of XLSForm workbooks through the page (every problem listed,
//! nothing stored), immutable versions, publication, downloads read back with the XLSForm
//! reader, the API, the audit log, and the CLI.

use crate::helpers::*;
use argine_domain::census::xlsform;
use argine_storage::census;
use std::process::Command;

const INCAS: &[u8] = include_bytes!("../../../../data/census/incas_2021.xlsx");

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../domain/tests/xlsform/corpus/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn version_count(app: &TestApp) -> i64 {
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    census::forms(&mut conn).await.unwrap().iter().map(|f| f.versions).sum()
}

/// The shipped questionnaire with another version number, as a workbook.
fn incas_version(version: &str) -> Vec<u8> {
    let mut sheets = xlsform::to_sheets(&xlsform::parse_xlsx(INCAS).unwrap());
    let settings = sheets.iter_mut().find(|(n, _)| n == "settings").unwrap();
    let col = settings.1[0].iter().position(|h| h == "version").unwrap();
    settings.1[1][col] = version.to_owned();
    argine_reports::xlsx::write_workbook(&sheets).unwrap()
}

#[tokio::test]
async fn upload_publish_download_and_api() {
    let app = spawn().await;
    let c = app.login_as("secretariat").await;
    // The demo ships the 2021 questionnaire, published.
    let r = app.get(&c, "/censimento/questionari").await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Le condizioni abitative dei migranti"), "{page}");
    assert!(page.contains("xlsform-file"), "the secretariat sees the upload form");
    assert_eq!(version_count(&app).await, 1);

    // The same version number again: refused, nothing stored.
    let r = upload(&app, &c, "/censimento/questionari", "incas_2021.xlsx", INCAS.to_vec()).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("ha già una versione 2021-10"));
    assert_eq!(version_count(&app).await, 1);

    // A new version: stored as a draft, then published.
    let v2 = incas_version("2022-01");
    let r = upload(&app, &c, "/censimento/questionari", "incas 2022.xlsx", v2.clone()).await;
    assert_eq!(r.status(), 303);
    let at = location(&r);
    let id: i64 = at.strip_prefix("/censimento/versioni/").unwrap().parse().unwrap();
    let page = app.get(&c, &at).await.text().await.unwrap();
    assert!(page.contains("2022-01") && page.contains("Bozza") && page.contains("insediamenti"), "{page}");
    let r = app.post(&c, &format!("{at}/pubblica"), &[]).await;
    assert_eq!(r.status(), 303);
    let page = app.get(&c, &at).await.text().await.unwrap();
    assert!(page.contains("Pubblicato") && !page.contains("census-publish"), "{page}");
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let stored = census::version(&mut conn, id).await.unwrap();
    assert!(stored.is_published());
    drop(conn);

    // The original comes back byte for byte; the export reads back as the same form.
    let r = app.get(&c, &format!("{at}/originale.xlsx")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), v2);
    let r = app.get(&c, &format!("{at}/xlsform.xlsx")).await;
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let exported = xlsform::parse_xlsx(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(exported, xlsform::parse_xlsx(&v2).unwrap());

    // The API lists both versions and serves the parsed definition.
    let api = reqwest::Client::new();
    let r = api.get(format!("{}/api/v1/census/forms", app.url)).bearer_auth(&app.creds.api_token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let forms: serde_json::Value = r.json().await.unwrap();
    assert_eq!(forms[0]["form_id"], "incas_2021");
    let versions: Vec<&str> =
        forms[0]["versions"].as_array().unwrap().iter().map(|v| v["version"].as_str().unwrap()).collect();
    assert_eq!(versions, ["2022-01", "2021-10"]);
    let r = api
        .get(format!("{}/api/v1/census/form-versions/{id}", app.url))
        .bearer_auth(&app.creds.api_token)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["version"], "2022-01");
    assert!(v["published_at"].is_i64());
    let top: Vec<&str> =
        v["definition"]["items"].as_array().unwrap().iter().filter_map(|i| i["name"].as_str()).collect();
    assert!(top.contains(&"sez_a") && top.contains(&"insediamenti"), "{top:?}");

    // Both actions are in the audit log.
    for action in ["census.form.import", "census.form.publish"] {
        let found = argine_storage::audit::search(
            &app.state.db,
            &argine_storage::audit::Filter { action: Some(action.into()), limit: 10, ..Default::default() },
        )
        .await
        .unwrap();
        assert!(found.iter().any(|e| e.record_id == id.to_string()), "{action} not audited");
    }
}

#[tokio::test]
async fn invalid_workbooks_are_reported_row_by_row_and_change_nothing() {
    let app = spawn().await;
    let c = app.login_as("secretariat").await;
    let before = version_count(&app).await;

    let r =
        upload(&app, &c, "/censimento/questionari", "dup.xlsx", corpus("invalid_duplicate_name_siblings.xlsx")).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("xlsform-problems"), "{page}");
    assert!(page.contains("è già usato nello stesso gruppo"), "the problem is explained in Italian: {page}");
    assert!(page.contains("<td>survey</td><td>3</td>"), "sheet and row are named: {page}");

    let r =
        upload(&app, &c, "/censimento/questionari", "ref.xlsx", corpus("invalid_reference_unknown_name.xlsx")).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("non corrisponde a nessuna domanda"));

    let r = upload(&app, &c, "/censimento/questionari", "note.txt", b"not a workbook".to_vec()).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("non si legge come foglio di calcolo"));

    // English UI (a second login would reuse the TOTP step, which is refused), same problem
    // in English.
    let en = c;
    let r = en
        .post(format!("{}/lingua", app.url))
        .header("Origin", &app.url)
        .form(&[("lang", "en"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    let r =
        upload(&app, &en, "/censimento/questionari", "dup.xlsx", corpus("invalid_duplicate_name_siblings.xlsx")).await;
    assert!(r.text().await.unwrap().contains("is already used in the same group"));

    assert_eq!(version_count(&app).await, before, "a refused upload stores nothing");
}

#[tokio::test]
async fn only_the_national_secretariat_uploads() {
    let app = spawn().await;
    let viewer = app.login_as("viewer").await;
    let page = app.get(&viewer, "/censimento/questionari").await.text().await.unwrap();
    assert!(page.contains("Le condizioni abitative") && !page.contains("xlsform-file"));
    let r = upload(&app, &viewer, "/censimento/questionari", "x.xlsx", incas_version("2030-01")).await;
    assert_eq!(r.status(), 403);
    let admin = app.login_as("admin").await;
    let r = app.post(&admin, "/censimento/versioni/1/pubblica", &[]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(version_count(&app).await, 1);
}

#[tokio::test]
async fn cli_imports_or_names_every_problem() {
    let app = spawn().await;
    let data_dir = app.dir.path().to_str().unwrap().to_owned();
    let bad = app.dir.path().join("bad.xlsx");
    std::fs::write(&bad, corpus("invalid_unmatched_begin_group.xlsx")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", &data_dir, "census", "form", "import", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("[row : ") && err.contains("nothing was stored"), "{err}");

    let good = app.dir.path().join("incas-2023.xlsx");
    std::fs::write(&good, incas_version("2023-05")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", &data_dir, "census", "form", "import", good.to_str().unwrap(), "--publish"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let id: i64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    // Read back through the CLI too. (Reading through the server's pool here made the next CLI
    // call time out on the SQLite write lock in about one run in three: an open problem, see
    // docs/OPERATIONS.md.)
    let out = Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", &data_dir, "census", "form", "list"])
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.contains(&format!("version id {id}\t2023-05\tpublished")), "{list}");

    let out_file = app.dir.path().join("export.xlsx");
    let out = Command::new(env!("CARGO_BIN_EXE_argine"))
        .args(["--data-dir", &data_dir, "census", "form", "export", "--version", &id.to_string(), "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let back = xlsform::parse_xlsx(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(back.version.as_deref(), Some("2023-05"));
}
