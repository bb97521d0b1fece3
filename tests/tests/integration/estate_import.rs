//! The "Data centres" and "Shared services" sheets of an import, through the router on SQLite
//! and PostgreSQL: new and changed sites and adoptions previewed, then committed in one
//! transaction with their audit rows; a step the entry pages would refuse, or a bad cell, named
//! by its cell with nothing written; the pre-filled template carries the body's sites and
//! adoptions and reads back unchanged.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use axum::body::Body;
use http::{header, Request, StatusCode};
use tests::files::{multipart, workbook};
use tests::{on_both_backends, Backend, TestApp, TestResponse, TEST_HOST};

const FIFE: &str = "council-fife";

const SITE_HEADER: &[&str] = &[
    "Site name",
    "Type",
    "Ownership",
    "Physical servers",
    "Virtual hosts",
    "Virtual machines",
    "Total energy (kWh a year)",
    "Total energy metered or estimated",
    "IT energy (kWh a year)",
    "IT energy metered or estimated",
    "Power cost (£ a year)",
    "Opened",
];

const ADOPTION_HEADER: &[&str] = &[
    "Shared service",
    "Stage",
    "Date of the stage",
    "Annual cost before (£)",
    "Annual cost after (£)",
    "One-off cost (£)",
    "Class of saving",
];

async fn officer(app: &TestApp) -> String {
    let password = app
        .create_user("morag@fife.gov.uk", Role::Officer, &[FIFE])
        .await;
    app.login("morag@fife.gov.uk", &password)
        .await
        .expect("signs in")
}

async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> String {
    let (content_type, body) = multipart(&[("org", FIFE), ("fy", "2015-16")], "estate.xlsx", bytes);
    let request = Request::post("/import/upload")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.request(request).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    location(&response)
}

fn location(response: &TestResponse) -> String {
    response
        .headers
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("a redirect, got {}: {}", response.status, response.body))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn commit(app: &TestApp, token: &str, preview: &str) -> TestResponse {
    let upload_token = preview.trim_start_matches("/import/");
    app.post_form(
        "/api/import/commit",
        &[("token", upload_token)],
        Some(token),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn get_bytes(app: &TestApp, path: &str, token: &str) -> Vec<u8> {
    let request = Request::get(path)
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap()
        .to_vec()
}

async fn sites_and_adoptions_import_in_one_transaction(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = officer(&app).await;

    // 1. Two new sites and two new adoptions, one a step on (contracted, dated).
    let first = workbook(&[
        (
            "Data centres",
            &[
                SITE_HEADER,
                &[
                    "Fife House computer room",
                    "server-room",
                    "owned",
                    "30",
                    "4",
                    "60",
                    "210000",
                    "metered",
                    "100000",
                    "metered",
                    "25200",
                    "2004-04-01",
                ],
                &[
                    "Glenrothes comms room",
                    "Comms room",
                    "Leased",
                    "2",
                    "0",
                    "0",
                    "",
                    "",
                    "",
                    "",
                    "1200.50",
                    "",
                ],
            ],
        ),
        (
            "Shared services",
            &[
                ADOPTION_HEADER,
                &[
                    "swan",
                    "considering",
                    "",
                    "120000",
                    "90000",
                    "15000",
                    "cash-releasing",
                ],
                &[
                    "Shared email and collaboration",
                    "contracted",
                    "2014-04-01",
                    "40000",
                    "30000",
                    "0",
                    "non-cash",
                ],
            ],
        ),
    ]);
    let preview = upload(&app, &token, &first).await;
    let page = app.get_as(&preview, Some(&token)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("problems to fix"), "{}", page.body);
    assert!(page.body.contains("The file has no spend figures"));
    assert_eq!(
        page.body.matches(r#"data-change="New""#).count(),
        4,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("PUE 2.10"),
        "the computed PUE in the preview"
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM data_centres").await,
        0,
        "a preview writes nothing"
    );

    let done = commit(&app, &token, &preview).await;
    assert_eq!(
        location(&done),
        "/data-centres/council-fife?imported=changed"
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM data_centres").await,
        2
    );
    let (servers, total, it, power): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT physical_servers, total_energy_kwh, it_energy_kwh, cost_power_pence FROM data_centres WHERE name = 'Fife House computer room'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (servers, total, it, power),
        (30, 210_000, 100_000, 2_520_000)
    );
    let comms: (String, String, i64) = sqlx::query_as(
        "SELECT site_type, ownership, cost_power_pence FROM data_centres WHERE name = 'Glenrothes comms room'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(comms, ("comms-room".into(), "leased".into(), 120_050));
    let adoptions: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT service_code, stage, contracted_date, cost_after_pence FROM adoptions ORDER BY service_code",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        adoptions,
        [
            (
                "shared-email".into(),
                "contracted".into(),
                Some("2014-04-01".into()),
                3_000_000
            ),
            ("swan".into(), "considering".into(), None, 9_000_000),
        ]
    );
    for (action, n) in [
        ("data_centre_added", 2),
        ("adoption_recorded", 2),
        ("adoption_moved", 1),
    ] {
        let sql =
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = '{action}'");
        assert_eq!(count(&app, &sql).await, n, "{action}");
    }
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_returns").await,
        0,
        "the return is not touched"
    );

    // 2. A skipped stage, an IT energy above the total and an unknown service: each named by
    //    its cell, and nothing written, not even the row that was fine.
    let bad = workbook(&[
        (
            "Data centres",
            &[
                SITE_HEADER,
                &[
                    "Fife House computer room",
                    "server-room",
                    "owned",
                    "28",
                    "4",
                    "60",
                    "210000",
                    "metered",
                    "100000",
                    "metered",
                    "25200",
                    "2004-04-01",
                ],
                &[
                    "Kirkcaldy server room",
                    "server-room",
                    "owned",
                    "5",
                    "0",
                    "0",
                    "1000",
                    "metered",
                    "5000",
                    "metered",
                    "",
                    "",
                ],
            ],
        ),
        (
            "Shared services",
            &[
                ADOPTION_HEADER,
                &["swan", "live", "2015-06-01", "120000", "90000", "15000", ""],
                &[
                    "teleporter",
                    "considering",
                    "",
                    "1",
                    "1",
                    "0",
                    "cash-releasing",
                ],
            ],
        ),
    ]);
    let preview = upload(&app, &token, &bad).await;
    let page = app.get_as(&preview, Some(&token)).await;
    for (cell, words) in [
        ("Data centres!I3", "more than the total facility energy"),
        (
            "Shared services!B2",
            "considering as stored, or the next step, contracted",
        ),
        ("Shared services!A3", "a service in the catalogue"),
    ] {
        let at = page
            .body
            .find(cell)
            .unwrap_or_else(|| panic!("{cell} named: {}", page.body));
        assert!(page.body[at..].contains(words), "{cell}: {words}");
    }
    let refused = commit(&app, &token, &preview).await;
    assert!(refused.status.is_client_error(), "{}", refused.status);
    assert_eq!(
        count(
            &app,
            "SELECT physical_servers FROM data_centres WHERE name = 'Fife House computer room'"
        )
        .await,
        30
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM data_centres").await,
        2
    );

    // 3. Corrected: one site changed, one left out (not changed), SWAN one step on.
    let fixed = workbook(&[
        (
            "Data centres",
            &[
                SITE_HEADER,
                &[
                    "fife house computer room ",
                    "server-room",
                    "owned",
                    "28",
                    "4",
                    "60",
                    "210000",
                    "metered",
                    "100000",
                    "metered",
                    "25200",
                    "2004-04-01",
                ],
            ],
        ),
        (
            "Shared services",
            &[
                ADOPTION_HEADER,
                &[
                    "SWAN",
                    "contracted",
                    "01/05/2014",
                    "120000",
                    "90000",
                    "15000",
                    "",
                ],
                &[
                    "shared-email",
                    "contracted",
                    "2014-04-01",
                    "40000",
                    "30000",
                    "0",
                    "non-cash",
                ],
            ],
        ),
    ]);
    let preview = upload(&app, &token, &fixed).await;
    let page = app.get_as(&preview, Some(&token)).await;
    assert!(!page.body.contains("problems to fix"), "{}", page.body);
    assert!(
        page.body.contains("physical servers 30 → 28"),
        "{}",
        page.body
    );
    assert!(page.body.contains("considering → contracted on 2014-05-01"));
    assert_eq!(page.body.matches(r#"data-change="Unchanged""#).count(), 1);
    let done = commit(&app, &token, &preview).await;
    assert!(location(&done).ends_with("imported=changed"));
    assert_eq!(
        count(
            &app,
            "SELECT physical_servers FROM data_centres WHERE name = 'Fife House computer room'"
        )
        .await,
        28
    );
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM data_centres").await,
        2,
        "a site left out stays"
    );
    let swan: (String, Option<String>) =
        sqlx::query_as("SELECT stage, contracted_date FROM adoptions WHERE service_code = 'swan'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(swan, ("contracted".into(), Some("2014-05-01".into())));

    // 4. The same file again changes nothing.
    let again = upload(&app, &token, &fixed).await;
    let page = app.get_as(&again, Some(&token)).await;
    assert!(page.body.contains(r#"id="no-changes""#), "{}", page.body);
    let audit_before = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").await;
    let done = commit(&app, &token, &again).await;
    assert!(location(&done).ends_with("imported=unchanged"));
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").await,
        audit_before
    );
    app.teardown().await;
}

async fn the_prefilled_template_carries_the_sites_and_adoptions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = officer(&app).await;
    let first = workbook(&[
        (
            "Data centres",
            &[
                SITE_HEADER,
                &[
                    "Fife House computer room",
                    "server-room",
                    "owned",
                    "30",
                    "4",
                    "60",
                    "210000",
                    "metered",
                    "100000",
                    "estimated",
                    "25200.75",
                    "2004-04-01",
                ],
            ],
        ),
        (
            "Shared services",
            &[
                ADOPTION_HEADER,
                &[
                    "swan",
                    "",
                    "",
                    "120000",
                    "90000.01",
                    "15000",
                    "cash-releasing",
                ],
            ],
        ),
    ]);
    let preview = upload(&app, &token, &first).await;
    let done = commit(&app, &token, &preview).await;
    assert!(location(&done).ends_with("imported=changed"));

    // The template for the body, uploaded untouched: its Spend sheet is only pre-filled, so the
    // return is not changed, and its sites and adoptions are exactly what is stored.
    let template = get_bytes(&app, "/returns/council-fife/2015-16/template.xlsx", &token).await;
    let book = app::import::reader::read("t.xlsx", &template, &Default::default()).unwrap();
    let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["Instructions", "Spend", "Data centres", "Shared services"]
    );
    let preview = upload(&app, &token, &template).await;
    let page = app.get_as(&preview, Some(&token)).await;
    assert!(!page.body.contains("problems to fix"), "{}", page.body);
    assert!(
        page.body.contains("The file has no spend figures"),
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches(r#"data-change="Unchanged""#).count(),
        2,
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="no-changes""#));

    // The blank template (no body) has the sheets too, with the catalogue's services.
    let blank = get_bytes(&app, "/returns/template.xlsx", &token).await;
    let book = app::import::reader::read("t.xlsx", &blank, &Default::default()).unwrap();
    assert_eq!(book.sheets.len(), 4);
    app.teardown().await;
}

on_both_backends!(
    sites_and_adoptions_import_in_one_transaction,
    the_prefilled_template_carries_the_sites_and_adoptions,
);
