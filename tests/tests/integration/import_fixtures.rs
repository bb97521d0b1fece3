//! The committed spreadsheet fixtures (`fixtures/returns/`, made by `generate.py` with the
//! programs officers' files come from): every good file, in every format, imports to the same
//! pence; every broken file gets its precise message at its cell, and nothing is written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use app::import::reader::Limits;
use app::import::spend::Target;
use axum::body::Body;
use http::{header, Request, StatusCode};
use serde_json::Value;
use tests::files::multipart;
use tests::{on_both_backends, workspace_root, Backend, TestApp, TEST_HOST};

fn manifest() -> Value {
    let path = workspace_root().join("fixtures/returns/manifest.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(workspace_root().join("fixtures/returns").join(name)).unwrap()
}

fn analyse(name: &str) -> app::import::spend::ParsedSpend {
    let known = |code: &str| code == "council-fife" || code == "council-angus";
    let target = Target {
        org_code: "council-fife",
        org_name: "Fife Council",
        fy: "2013-14".parse().unwrap(),
        is_known_org: &known,
    };
    app::services::import::analyse(
        name,
        &fixture(name),
        &target,
        &Limits::default(),
        &mut |_| {},
    )
}

/// (capital pence, revenue pence, FTE hundredths) per category, as the manifest lists them.
fn expected_lines(entry: &Value) -> Vec<(String, i64, i64, Option<i64>)> {
    let mut lines: Vec<(String, i64, i64, Option<i64>)> = entry
        .as_object()
        .unwrap()
        .iter()
        .map(|(category, v)| {
            (
                category.clone(),
                v[0].as_i64().unwrap(),
                v[1].as_i64().unwrap(),
                v[2].as_i64(),
            )
        })
        .collect();
    lines.sort();
    lines
}

fn lines_of(parsed: &app::import::spend::ParsedSpend) -> Vec<(String, i64, i64, Option<i64>)> {
    let mut lines: Vec<(String, i64, i64, Option<i64>)> = parsed
        .lines
        .iter()
        .map(|l| {
            (
                l.category.code().to_owned(),
                l.capital.pence(),
                l.revenue.pence(),
                l.fte.map(|f| {
                    rust_decimal::prelude::ToPrimitive::to_i64(
                        &(f * rust_decimal::Decimal::ONE_HUNDRED),
                    )
                    .unwrap()
                }),
            )
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn every_good_file_in_every_format_imports_to_the_same_pence() {
    let manifest = manifest();
    let good = manifest["good"].as_object().unwrap();
    assert_eq!(good.len(), 5, "xlsx, xlsm, xls, ods and csv");
    for (name, expected) in good {
        let parsed = analyse(name);
        assert!(parsed.problems.is_empty(), "{name}: {:?}", parsed.problems);
        assert_eq!(lines_of(&parsed), expected_lines(expected), "{name}");
        assert_eq!(parsed.rows_imported, 9, "{name}: nine ledger lines");
        assert_eq!(
            parsed.total_rows.len(),
            1,
            "{name}: the total row is recognised"
        );
        assert!(
            parsed.blank_rows >= 1,
            "{name}: the blank row is recognised"
        );
    }
}

#[test]
fn every_broken_file_gets_its_message_at_its_cell() {
    let manifest = manifest();
    let broken = manifest["broken"].as_object().unwrap();
    assert!(broken.len() >= 14, "the broken fixtures: {}", broken.len());
    for (name, want) in broken {
        let parsed = analyse(name);
        let cell = want["cell"].as_str().unwrap();
        let words = want["words"].as_str().unwrap();
        let hit = parsed.problems.iter().find(|p| p.cell == cell);
        let hit =
            hit.unwrap_or_else(|| panic!("{name}: no problem at {cell}: {:?}", parsed.problems));
        assert!(
            hit.expected.contains(words) || hit.found.contains(words),
            "{name}: {hit:?} does not say {words:?}"
        );
        assert!(parsed.has_errors(), "{name} is an error, not a warning");
    }
}

async fn fixtures_through_the_router_import_or_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app
        .create_user("morag@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let token = app.login("morag@fife.gov.uk", &password).await.unwrap();
    let manifest = manifest();
    let upload = |name: String| {
        let (content_type, body) = multipart(
            &[("org", "council-fife"), ("fy", "2013-14")],
            &name,
            &fixture(&name),
        );
        Request::post("/import/upload")
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("http://{TEST_HOST}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, format!("tracker_session={token}"))
            .body(Body::from(body))
            .unwrap()
    };
    for name in manifest["broken"].as_object().unwrap().keys() {
        let response = app.request(upload(name.clone())).await;
        assert_eq!(
            response.status,
            StatusCode::CREATED,
            "{name}: {}",
            response.body
        );
        let sent: Value = serde_json::from_str(&response.body).unwrap();
        let upload_token = sent["token"].as_str().unwrap();
        let preview = app
            .get_as(
                &format!("/api/import/preview?token={upload_token}"),
                Some(&token),
            )
            .await;
        let preview: Value = serde_json::from_str(&preview.body).unwrap();
        assert!(!preview["errors"].as_array().unwrap().is_empty(), "{name}");
        let commit = app
            .post_form(
                "/api/import/commit",
                &[("token", upload_token), ("acknowledge", "yes")],
                Some(&token),
            )
            .await;
        assert_eq!(
            commit.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            commit.body
        );
    }
    let returns: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM spend_returns")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(returns, 0, "no broken file wrote anything");

    // Each good file, committed in turn: the first writes, the others (the same figures in
    // other formats) change nothing.
    let mut changed = Vec::new();
    for name in manifest["good"].as_object().unwrap().keys() {
        let response = app.request(upload(name.clone())).await;
        let sent: Value = serde_json::from_str(&response.body).unwrap();
        let commit = app
            .post_form(
                "/api/import/commit",
                &[("token", sent["token"].as_str().unwrap())],
                Some(&token),
            )
            .await;
        let to = commit
            .headers
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        let to = to.unwrap_or_else(|| panic!("{name}: {} {}", commit.status, commit.body));
        changed.push(to.ends_with("imported=changed"));
    }
    assert_eq!(
        changed,
        [true, false, false, false, false],
        "the same pence in every format"
    );
    let stored: Vec<(String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT category, capital_pence, revenue_pence, fte_hundredths FROM spend_return_lines ORDER BY category",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, expected_lines(&manifest["good"]["good.xlsx"]));
    app.teardown().await;
}

on_both_backends!(fixtures_through_the_router_import_or_write_nothing);
