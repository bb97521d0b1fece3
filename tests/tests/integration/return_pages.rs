//! Spend returns through the router, as the pages and the REST API use them, on SQLite and
//! PostgreSQL: the whole officer/board path, bad input, no-JavaScript form posts, conflicts,
//! warnings with explanations, the lists, the REST export, and a backup taken during writes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use axum::body::Body;
use http::{header, Request, StatusCode};
use tests::{on_both_backends, Backend, TestApp, TestResponse, TEST_HOST};

const FY: &str = "2013-14";
const FIFE: &str = "council-fife";
const PAGE: &str = "/returns/council-fife/2013-14";

struct People {
    officer: String,
    other_officer: String,
    board: String,
    admin: String,
}

async fn people(app: &TestApp) -> People {
    let mut tokens = Vec::new();
    for (email, role, orgs) in [
        ("morag@fife.gov.uk", Role::Officer, vec![FIFE]),
        (
            "angus.officer@angus.gov.uk",
            Role::Officer,
            vec!["council-angus"],
        ),
        ("board@gov.scot", Role::Board, vec![]),
        ("office@gov.scot", Role::Admin, vec![]),
    ] {
        let password = app.create_user(email, role, &orgs).await;
        tokens.push(app.login(email, &password).await.expect("signs in"));
    }
    let mut t = tokens.into_iter();
    People {
        officer: t.next().unwrap(),
        other_officer: t.next().unwrap(),
        board: t.next().unwrap(),
        admin: t.next().unwrap(),
    }
}

/// The return's current row version, read from the page's hidden field.
async fn row_version(app: &TestApp, token: &str) -> String {
    let page = app.get_as(PAGE, Some(token)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let marker = r#"name="row_version" value=""#;
    let start = page
        .body
        .find(marker)
        .expect("the page has the row version")
        + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
}

/// The newest version's row version, from the database (for a page that shows no form).
async fn stored_row_version(app: &TestApp) -> String {
    let rv: i64 = sqlx::query_scalar(
        "SELECT row_version FROM spend_returns WHERE fy_start = 2013 ORDER BY version DESC LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    rv.to_string()
}

/// A figure on the status board, by its element id.
fn counted(body: &str, id: &str) -> u32 {
    let marker = format!(r#"id="{id}">"#);
    let at = body.find(&marker).unwrap_or_else(|| panic!("no {id}")) + marker.len();
    body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

async fn save(app: &TestApp, token: &str, fields: &[(&str, &str)]) -> TestResponse {
    let rv = row_version(app, token).await;
    save_at(app, token, &rv, fields).await
}

async fn save_at(app: &TestApp, token: &str, rv: &str, fields: &[(&str, &str)]) -> TestResponse {
    let mut form = vec![("org", FIFE), ("fy", FY), ("row_version", rv)];
    form.extend_from_slice(fields);
    app.post_form("/api/returns/save", &form, Some(token)).await
}

async fn act(app: &TestApp, token: &str, action: &str, reason: &str) -> TestResponse {
    let rv = row_version(app, token).await;
    app.post_form(
        "/api/returns/act",
        &[
            ("org", FIFE),
            ("fy", FY),
            ("row_version", &rv),
            ("action", action),
            ("reason", reason),
        ],
        Some(token),
    )
    .await
}

async fn start(app: &TestApp, token: &str, fy: &str) -> TestResponse {
    app.post_form(
        "/api/returns/start",
        &[("org", FIFE), ("fy", fy)],
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

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_type = 'return' ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

fn ok(response: &TestResponse) {
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{}: {}",
        response.status,
        response.body
    );
}

async fn officer_and_board_take_a_return_from_draft_to_a_restatement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;

    let before = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(before.body.contains("Start this return"), "{}", before.body);
    ok(&start(&app, &p.officer, FY).await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(page.body.contains(r#"id="return-form""#) && page.body.contains("Draft"));
    for field in [
        "hardware-capital",
        "staff-fte",
        "energy-revenue",
        "other-note",
    ] {
        assert!(page.body.contains(&format!(r#"id="{field}""#)), "{field}");
    }

    ok(&save(
        &app,
        &p.officer,
        &[
            ("hardware-capital", "120000"),
            ("hardware-revenue", "30000.50"),
            ("staff-revenue", "800000"),
            ("staff-fte", "21.5"),
            ("energy-revenue", "45000"),
            ("other-capital", "1500"),
            ("other-revenue", "-1500"),
            ("other-note", "Credit note from a supplier"),
        ],
    )
    .await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    // Totals: 150,000.50 external + 800,000 staff + 45,000 other (energy 45,000; a credit note
    // refunding £1,500 of £1,500 other costs: never below zero) = 995,000.50.
    assert!(
        page.body.contains("£995,000.50"),
        "the grand total is shown"
    );
    assert!(page.body.contains(r#"value="30000.50""#) && page.body.contains(r#"value="21.5""#));
    assert!(page.body.contains("Figures saved") && page.body.contains("£0.00 → £120,000.00"));

    ok(&act(&app, &p.officer, "submit", "").await);
    let rv = stored_row_version(&app).await;
    let locked = save_at(&app, &p.officer, &rv, &[("hardware-capital", "1")]).await;
    assert_eq!(
        locked.status,
        StatusCode::CONFLICT,
        "a submitted return is not editable"
    );

    let no_reason = act(&app, &p.board, "send-back", "  ").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("reason"), "{}", no_reason.body);
    ok(&act(
        &app,
        &p.board,
        "send-back",
        "Energy looks like the whole building's bill",
    )
    .await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(page.body.contains("Sent back") && page.body.contains("the whole building"));

    ok(&save(
        &app,
        &p.officer,
        &[
            ("hardware-capital", "120000"),
            ("hardware-revenue", "30000.50"),
            ("staff-revenue", "800000"),
            ("staff-fte", "21.5"),
            ("energy-revenue", "12000"),
            ("other-capital", "1500"),
            ("other-revenue", "-1500"),
            ("other-note", "Credit note from a supplier"),
        ],
    )
    .await);
    ok(&act(&app, &p.officer, "submit", "").await);
    let rv = stored_row_version(&app).await;
    let officer_approves = app
        .post_form(
            "/api/returns/act",
            &[
                ("org", FIFE),
                ("fy", FY),
                ("row_version", &rv),
                ("action", "approve"),
            ],
            Some(&p.officer),
        )
        .await;
    assert_eq!(officer_approves.status, StatusCode::FORBIDDEN);
    ok(&act(&app, &p.board, "approve", "").await);
    let rv = stored_row_version(&app).await;
    let after = save_at(&app, &p.officer, &rv, &[("hardware-capital", "1")]).await;
    assert_eq!(
        after.status,
        StatusCode::CONFLICT,
        "an approved return is locked"
    );
    assert!(after.body.contains("approved"), "{}", after.body);

    ok(&act(&app, &p.officer, "restate", "").await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(page.body.contains("Version 1: Approved") && page.body.contains("Version 2: Draft"));
    assert!(
        page.body.contains(r#"value="12000.00""#),
        "version 2 starts as a copy"
    );
    let v1: String = sqlx::query_scalar(
        "SELECT status FROM spend_returns WHERE version = 1 AND fy_start = 2013",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(v1, "approved");
    assert_eq!(
        audit_actions(&app).await,
        [
            "return_created",
            "return_lines_saved",
            "return_submitted",
            "return_sent_back",
            "return_lines_saved",
            "return_submitted",
            "return_approved",
            "return_restated"
        ]
    );
    let history = app.get_as(PAGE, Some(&p.board)).await;
    for entry in [
        "Started",
        "Submitted",
        "Sent back",
        "Approved",
        "Restatement started",
    ] {
        assert!(history.body.contains(entry), "the history shows {entry}");
    }
    app.teardown().await;
}

/// Fields typed, the field that must be named, and words the message must hold.
type BadInput = (
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

async fn bad_input_names_its_field_and_saves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    ok(&start(&app, &p.officer, FY).await);
    let cases: [BadInput; 6] = [
        (
            &[("hardware-capital", "12k")],
            "hardware-capital",
            "pounds and pence",
        ),
        (
            &[("software-revenue", "10.123")],
            "software-revenue",
            "two decimal places",
        ),
        (
            &[("energy-revenue", "99999999999999")],
            "energy-revenue",
            "at most",
        ),
        (
            &[("hardware-revenue", "-5")],
            "hardware-revenue",
            "£0 or more",
        ),
        (&[("staff-fte", "-1")], "staff-fte", "FTE"),
        (
            &[("printers-capital", "10")],
            "printers-capital",
            "not a field",
        ),
    ];
    for (fields, field, words) in cases {
        let response = save(&app, &p.officer, fields).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            response.body.contains(field) && response.body.contains(words),
            "{field}: {}",
            response.body
        );
    }
    let out_of_range = start(&app, &p.officer, "2099-00").await;
    assert_eq!(out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(out_of_range.body.contains("fy"), "{}", out_of_range.body);
    let not_theirs = app
        .post_form(
            "/api/returns/save",
            &[
                ("org", FIFE),
                ("fy", FY),
                ("row_version", "1"),
                ("hardware-capital", "5"),
            ],
            Some(&p.other_officer),
        )
        .await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_return_lines"
        )
        .await,
        0
    );
    assert_eq!(
        audit_actions(&app).await,
        ["return_created"],
        "nothing else was written"
    );
    app.teardown().await;
}

/// A form post as a browser without JavaScript sends it: `Accept: text/html`, form-encoded, the
/// page as its referer.
fn html_form_post(
    path: &str,
    referer: &str,
    token: &str,
    fields: &[(&str, &str)],
) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    Request::post(path)
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::REFERER, format!("http://{TEST_HOST}{referer}"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::from(body))
        .unwrap()
}

/// Where a redirect sends the browser, as a path on this site.
fn redirect_path(response: &TestResponse) -> String {
    assert!(response.status.is_redirection(), "{}", response.status);
    let location = response.headers[header::LOCATION].to_str().unwrap();
    location
        .strip_prefix(&format!("http://{TEST_HOST}"))
        .unwrap_or(location)
        .to_owned()
}

async fn without_javascript_the_form_shows_every_error_and_keeps_what_was_typed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    ok(&start(&app, &p.officer, FY).await);
    let rv = row_version(&app, &p.officer).await;
    let request = html_form_post(
        "/api/returns/save",
        PAGE,
        &p.officer,
        &[
            ("org", FIFE),
            ("fy", FY),
            ("row_version", rv.as_str()),
            ("hardware-capital", "12,000.999"),
            ("software-revenue", "4500"),
            ("staff-fte", "lots"),
        ],
    );
    let path = redirect_path(&app.request(request).await);
    // Issue 15: the address carries a reference to the refused form, never what was typed.
    assert!(path.starts_with(PAGE) && path.contains("__form="), "{path}");
    assert!(!path.contains("__err") && !path.contains("4500"), "{path}");
    let page = app.get_as(&path, Some(&p.officer)).await;
    assert!(page.body.contains("There is a problem"));
    assert!(
        page.body.contains(r##"href="#hardware-capital""##),
        "links to the amount"
    );
    assert!(
        page.body.contains(r##"href="#staff-fte""##),
        "links to the FTE"
    );
    assert!(
        page.body.contains(r#"value="4500""#),
        "what was typed is kept"
    );
    assert!(
        page.body.contains(r#"value="12,000.999""#),
        "the wrong value too"
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_return_lines"
        )
        .await,
        0
    );
    app.teardown().await;
}

/// Issue 15: a refused form echoed every typed value into its redirect (a 2 MB note gave a
/// 2.7 MB `Location`), and a crafted `__err` link filled any signed-in user's form in. Now the
/// refused form is kept on the server: the address holds only a reference, which opens only for
/// the person who typed it, and `__err` links are ignored.
async fn a_refused_form_comes_back_by_reference_and_only_to_its_author(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let colleague = app
        .create_user("iain@fife.gov.uk", Role::Officer, &[FIFE])
        .await;
    let colleague = app.login("iain@fife.gov.uk", &colleague).await.unwrap();
    ok(&start(&app, &p.officer, FY).await);
    let rv = row_version(&app, &p.officer).await;
    // 1.6 MB, and markup that must stay text wherever the draft travels in the page.
    let long_note = format!(
        "{}</script></textarea><form action=//evil.example>",
        "a secret reason ".repeat(100_000)
    );
    let request = html_form_post(
        "/api/returns/save",
        PAGE,
        &p.officer,
        &[
            ("org", FIFE),
            ("fy", FY),
            ("row_version", rv.as_str()),
            ("hardware-capital", "not money"),
            ("hardware-note", long_note.as_str()),
        ],
    );
    let response = app.request(request).await;
    let path = redirect_path(&response);
    assert!(
        response.headers[header::LOCATION].len() < 200,
        "the Location header is {} bytes",
        response.headers[header::LOCATION].len()
    );
    assert!(
        !path.contains("secret") && !path.contains("__err"),
        "{path}"
    );
    // The author sees the form again with the note, and can reload it.
    for _ in 0..2 {
        let page = app.get_as(&path, Some(&p.officer)).await;
        assert!(page.body.contains("There is a problem"), "{path}");
        assert!(page.body.contains("a secret reason a secret reason"));
        assert!(page.body.contains(r#"value="not money""#));
        assert!(!page.body.contains("<form action=//evil.example>"));
    }
    // A colleague given the same address sees a clean form: the draft is not theirs.
    let theirs = app.get_as(&path, Some(&colleague)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains("There is a problem"));
    assert!(!theirs.body.contains("a secret reason"));
    // Neither does anyone signed out, at the sign-in page's address.
    let reference = path.split("__form=").nth(1).unwrap().to_owned();
    let login = app.get(&format!("/login?__form={reference}")).await;
    assert!(!login.body.contains("There is a problem"));
    // A draft older than an hour is gone.
    sqlx::query("UPDATE form_drafts SET created_at = created_at - 3601")
        .execute(app.db.pool())
        .await
        .unwrap();
    let expired = app.get_as(&path, Some(&p.officer)).await;
    assert!(!expired.body.contains("a secret reason"));
    // A crafted link in server_fn's own format fills nothing in.
    let forged = app::error::AppError::Form {
        errors: vec![app::domain::spend_line::FieldError {
            field: "hardware-note".to_owned(),
            message: "Your session has ended: sign in at evil.example".to_owned(),
        }],
        values: vec![("hardware-note".to_owned(), "Forged by a link".to_owned())],
    };
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_string(&forged).unwrap())
    };
    let crafted = app
        .get_as(
            &format!("{PAGE}?__path=%2Fapi%2Freturns%2Fsave&__err={encoded}"),
            Some(&p.officer),
        )
        .await;
    assert_eq!(crafted.status, StatusCode::OK);
    assert!(
        !crafted.body.contains("evil.example"),
        "the link's error is shown"
    );
    assert!(
        !crafted.body.contains("Forged by a link"),
        "the link's value is shown"
    );
    // Saving from the form shown again sends the browser to the page without the reference.
    let rv = row_version(&app, &p.officer).await;
    let saved = app
        .request(html_form_post(
            "/api/returns/save",
            &path,
            &p.officer,
            &[
                ("org", FIFE),
                ("fy", FY),
                ("row_version", rv.as_str()),
                ("hardware-capital", "100"),
            ],
        ))
        .await;
    let after = redirect_path(&saved);
    assert!(!after.contains("__form"), "{after}");
    app.teardown().await;
}

async fn a_stale_form_is_refused_and_says_what_changed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let colleague = app
        .create_user("iain@fife.gov.uk", Role::Officer, &[FIFE])
        .await;
    let colleague = app.login("iain@fife.gov.uk", &colleague).await.unwrap();
    ok(&start(&app, &p.officer, FY).await);
    let opened = row_version(&app, &p.officer).await;
    ok(&save_at(&app, &colleague, &opened, &[("hardware-capital", "5000")]).await);
    let stale = save_at(&app, &p.officer, &opened, &[("hardware-capital", "7000")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("iain@fife.gov.uk"), "{}", stale.body);
    assert!(
        stale
            .body
            .contains("£7,000.00 (you entered) → £5,000.00 (now)"),
        "{}",
        stale.body
    );
    let stored: i64 = count(
        &app,
        "SELECT capital_pence FROM spend_return_lines WHERE category = 'hardware'",
    )
    .await;
    assert_eq!(stored, 500_000, "the first save is kept");
    app.teardown().await;
}

async fn a_big_change_from_last_year_needs_an_explanation_the_board_sees(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    // Last year's return: hardware £10,000.
    ok(&start(&app, &p.officer, "2012-13").await);
    let page_2012 = "/returns/council-fife/2012-13";
    let last = app.get_as(page_2012, Some(&p.officer)).await;
    let marker = r#"name="row_version" value=""#;
    let at = last.body.find(marker).unwrap() + marker.len();
    let rv = last.body[at..].split('"').next().unwrap().to_owned();
    let saved = app
        .post_form(
            "/api/returns/save",
            &[
                ("org", FIFE),
                ("fy", "2012-13"),
                ("row_version", &rv),
                ("hardware-capital", "10000"),
            ],
            Some(&p.officer),
        )
        .await;
    ok(&saved);

    ok(&start(&app, &p.officer, FY).await);
    ok(&save(&app, &p.officer, &[("hardware-capital", "25000")]).await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(
        page.body.contains("150% higher than in 2012-13"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="hardware-explanation""#));
    let refused = act(&app, &p.officer, "submit", "").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("hardware-explanation"),
        "{}",
        refused.body
    );

    ok(&save(
        &app,
        &p.officer,
        &[
            ("hardware-capital", "25000"),
            (
                "hardware-explanation",
                "Laptop refresh for the whole council",
            ),
        ],
    )
    .await);
    ok(&act(&app, &p.officer, "submit", "").await);
    let board_view = app.get_as(PAGE, Some(&p.board)).await;
    assert!(board_view
        .body
        .contains("Laptop refresh for the whole council"));
    assert!(
        board_view.body.contains(r#"id="approve-return""#),
        "the board may approve"
    );
    let api = app
        .get_as(
            "/api/v1/returns?fy=2013-14&org=council-fife",
            Some(&p.board),
        )
        .await;
    assert!(api.body.contains("Laptop refresh"), "{}", api.body);
    app.teardown().await;
}

async fn the_lists_show_status_deadlines_and_overdue_bodies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let bad_date = app
        .post_form(
            "/api/returns/set-deadline",
            &[("fy", FY), ("due", "30/06/2014")],
            Some(&p.admin),
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.body.contains("due"), "{}", bad_date.body);
    let by_board = app
        .post_form(
            "/api/returns/set-deadline",
            &[("fy", FY), ("due", "2014-06-30")],
            Some(&p.board),
        )
        .await;
    assert_eq!(by_board.status, StatusCode::FORBIDDEN);
    ok(&app
        .post_form(
            "/api/returns/set-deadline",
            &[("fy", FY), ("due", "2014-06-30")],
            Some(&p.admin),
        )
        .await);
    let as_admin = app.get_as("/returns/deadlines", Some(&p.admin)).await;
    assert!(
        as_admin.body.contains(r#"id="deadline-form""#),
        "the office sets deadlines"
    );
    let deadlines = app.get_as("/returns/deadlines", Some(&p.officer)).await;
    assert!(
        !deadlines.body.contains(r#"id="deadline-form""#),
        "officers only read them"
    );
    assert!(
        deadlines.body.contains("30 June 2014"),
        "{}",
        deadlines.body
    );

    ok(&start(&app, &p.officer, FY).await);
    let mine = app.get_as("/returns", Some(&p.officer)).await;
    assert!(
        mine.body
            .contains(r#"data-org="council-fife" data-fy="2013-14""#),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("Overdue") && mine.body.contains("30 June 2014"));
    assert!(
        !mine.body.contains("Angus"),
        "only the officer's own bodies"
    );

    let refused = app.get_as("/returns/status", Some(&p.officer)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let board = app
        .get_as(
            "/returns/status?fy=2013-14&sector=local-government",
            Some(&p.board),
        )
        .await;
    assert_eq!(board.status, StatusCode::OK);
    // 32 councils existed in 2013-14; Fife has a draft, none has submitted, all are overdue.
    assert_eq!(counted(&board.body, "count-bodies"), 32);
    assert_eq!(counted(&board.body, "count-not-submitted"), 32);
    assert_eq!(counted(&board.body, "count-overdue"), 32);
    assert!(
        !board.body.contains("NHS Fife"),
        "the sector filter applies"
    );
    ok(&act(&app, &p.officer, "submit", "").await);
    let board = app
        .get_as(
            "/returns/status?fy=2013-14&sector=local-government",
            Some(&p.board),
        )
        .await;
    assert_eq!(counted(&board.body, "count-not-submitted"), 31);
    assert_eq!(counted(&board.body, "count-overdue"), 31);
    assert_eq!(counted(&board.body, "count-submitted"), 1);
    assert!(
        board.body.contains("morag@fife.gov.uk"),
        "the last change names who"
    );
    // Every year at once: 2013-14 and the current year, each with its 32 councils.
    let all = app
        .get_as(
            "/returns/status?fy=all&sector=local-government",
            Some(&p.board),
        )
        .await;
    assert_eq!(counted(&all.body, "count-bodies"), 64);
    assert_eq!(counted(&all.body, "count-submitted"), 1);
    assert!(all
        .body
        .contains(r#"data-org="council-fife" data-fy="2013-14""#));
    app.teardown().await;
}

async fn the_rest_api_exports_json_and_csv_within_the_callers_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    ok(&start(&app, &p.officer, FY).await);
    ok(&save(
        &app,
        &p.officer,
        &[
            ("hardware-capital", "1234.5"),
            ("other-note", "=HYPERLINK(\"x\")"),
        ],
    )
    .await);

    let anonymous = app.get("/api/v1/returns").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.body.contains("unauthorized"));
    let json = app
        .get_as(
            "/api/v1/returns?fy=2013-14&org=council-fife",
            Some(&p.officer),
        )
        .await;
    assert_eq!(json.status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let returns = value["returns"].as_array().unwrap();
    assert_eq!(returns.len(), 1);
    assert_eq!(returns[0]["org_code"], FIFE);
    assert_eq!(returns[0]["status"], "draft");
    let hardware = returns[0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["category"] == "hardware")
        .unwrap();
    assert_eq!(hardware["capital"], "1234.50");

    let csv = app
        .get_as("/api/v1/returns?fy=2013-14&format=csv", Some(&p.board))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv
        .body
        .starts_with("org_code,org_name,financial_year,version,status"));
    assert!(
        csv.body
            .contains("council-fife,Fife Council,2013-14,1,draft,"),
        "{}",
        csv.body
    );
    assert!(
        csv.body.contains(",hardware,1234.50,0.00,,"),
        "{}",
        csv.body
    );
    assert!(
        csv.body.contains("\"'=HYPERLINK(\"\"x\"\")\""),
        "formulas are defused: {}",
        csv.body
    );

    let other = app
        .get_as("/api/v1/returns?org=council-fife", Some(&p.other_officer))
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let theirs = app.get_as("/api/v1/returns", Some(&p.other_officer)).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(
        !theirs.body.contains(FIFE),
        "no other body's return leaks: {}",
        theirs.body
    );
    let bad_year = app.get_as("/api/v1/returns?fy=2013", Some(&p.board)).await;
    assert_eq!(bad_year.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_year.body.contains("fy"));
    let bad_format = app
        .get_as("/api/v1/returns?format=xml", Some(&p.board))
        .await;
    assert_eq!(bad_format.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.teardown().await;
}

/// Issue 15: an officer could not take back a return submitted with a mistake in it.
async fn an_officer_withdraws_a_submitted_return(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    ok(&start(&app, &p.officer, FY).await);
    ok(&save(&app, &p.officer, &[("hardware-capital", "100")]).await);
    ok(&act(&app, &p.officer, "submit", "").await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(
        page.body.contains(r#"id="withdraw-return""#),
        "the officer is offered it"
    );
    let board_page = app.get_as(PAGE, Some(&p.board)).await;
    assert!(!board_page.body.contains(r#"id="withdraw-return""#));
    let refused = act(&app, &p.board, "withdraw", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    ok(&act(&app, &p.officer, "withdraw", "").await);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_returns WHERE status = 'draft'"
        )
        .await,
        1
    );
    assert!(audit_actions(&app)
        .await
        .contains(&"return_withdrawn".to_owned()));
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(page
        .body
        .contains("Withdrawn from the board by its officers"));
    assert!(page.body.contains(r#"id="save-return""#), "editable again");
    // Nothing to withdraw now.
    let again = act(&app, &p.officer, "withdraw", "").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    app.teardown().await;
}

/// Issue 15: an account's name containing `</title>…` injected markup into the page's head, and
/// a return's note broke out of its textarea. What people type is always text.
async fn typed_text_never_becomes_markup(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    ok(&start(&app, &p.officer, FY).await);
    let payloads = [
        r#"</textarea><form action="//evil.example"><button>Sign in again</button></form>"#,
        r#""><meta http-equiv="refresh" content="0;url=//evil.example">"#,
    ];
    ok(&save(
        &app,
        &p.officer,
        &[
            ("hardware-capital", "1"),
            ("hardware-note", payloads[0]),
            ("income-note", payloads[1]),
        ],
    )
    .await);
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    for payload in payloads {
        assert!(
            !page.body.contains(payload),
            "{payload} reached the page as markup"
        );
    }
    assert!(
        page.body.contains("&lt;/textarea&gt;&lt;form"),
        "the note is shown as text"
    );
    // An account named with markup: its page's title is text.
    sqlx::query("UPDATE users SET display_name = $1 WHERE email = 'morag@fife.gov.uk'")
        .bind(r#"</title><meta http-equiv="refresh" content="0;url=//evil.example">"#)
        .execute(app.db.pool())
        .await
        .unwrap();
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'morag@fife.gov.uk'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let account = app
        .get_as(&format!("/admin/users/{id}"), Some(&p.admin))
        .await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(
        !account.body.contains("</title><meta"),
        "the title holds markup: {}",
        &account.body[..account.body.find("</head>").unwrap_or(0)]
    );
    assert!(
        account.body.contains("<title>&lt;/title&gt;&lt;meta"),
        "{}",
        &account.body[..account.body.find("</head>").unwrap_or(0)]
    );
    app.teardown().await;
}

/// Issue 15: on SQLite, 50 officers saving at once got 500 "database is locked" (129 of 150),
/// and of two saving one return the loser got a 500 instead of the 409 designed for it. Now every
/// save waits its turn: no errors, no lost update, and every lost race is a conflict.
async fn concurrent_saves_never_fail_and_a_lost_race_is_a_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT code FROM organisations
          WHERE (start_date IS NULL OR start_date <= '2013-04-01')
            AND (end_date IS NULL OR end_date >= '2013-04-01')
          ORDER BY code LIMIT 50",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(codes.len(), 50);
    let orgs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let password = app.create_user("busy@gov.scot", Role::Officer, &orgs).await;
    let token = app.login("busy@gov.scot", &password).await.unwrap();
    for code in &codes {
        let started = app
            .post_form(
                "/api/returns/start",
                &[("org", code), ("fy", FY)],
                Some(&token),
            )
            .await;
        ok(&started);
    }
    let row_version_of = |code: &str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT r.row_version FROM spend_returns r JOIN organisations o ON o.id = r.org_id
              WHERE o.code = $1 AND r.fy_start = 2013",
        )
        .bind(code.to_owned())
        .fetch_one(app.db.pool())
    };
    // Three waves of 50 saves, each of a different body's return, all at once.
    for wave in 1..=3_i64 {
        let mut saves = tokio::task::JoinSet::new();
        for code in &codes {
            let rv = row_version_of(code).await.unwrap().to_string();
            let (router, token, code) = (app.router.clone(), token.clone(), code.clone());
            saves.spawn(async move {
                let amount = (wave * 1000).to_string();
                let form = [
                    ("org", code.as_str()),
                    ("fy", FY),
                    ("row_version", rv.as_str()),
                    ("hardware-capital", amount.as_str()),
                ];
                let response = tests::send(&router, save_request(&form, &token)).await;
                (code, response.status)
            });
        }
        for (code, status) in saves.join_all().await {
            assert!(
                status.is_success() || status.is_redirection(),
                "wave {wave}, {code}: {status}"
            );
        }
    }
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_return_lines WHERE capital_pence = 300000"
        )
        .await,
        50,
        "every body holds its last save: nothing lost"
    );
    // Ten races of two saves of one return from the same form: one wins, the other is told.
    for race in 0..10 {
        let rv = row_version_of(&codes[0]).await.unwrap().to_string();
        let mut pair = tokio::task::JoinSet::new();
        for side in 0..2 {
            let (router, token, rv) = (app.router.clone(), token.clone(), rv.clone());
            let code = codes[0].clone();
            pair.spawn(async move {
                let amount = format!("{race}{side}");
                let form = [
                    ("org", code.as_str()),
                    ("fy", FY),
                    ("row_version", rv.as_str()),
                    ("software-capital", amount.as_str()),
                ];
                tests::send(&router, save_request(&form, &token))
                    .await
                    .status
            });
        }
        let mut statuses: Vec<u16> = pair.join_all().await.iter().map(|s| s.as_u16()).collect();
        statuses.sort_unstable();
        assert!(
            statuses == [200, 409] || statuses == [303, 409] || statuses == [204, 409],
            "race {race}: {statuses:?}"
        );
    }
    app.teardown().await;
}

/// A save as a hydrated form sends it (a server-function call).
fn save_request(form: &[(&str, &str)], token: &str) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    Request::post("/api/returns/save")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::from(body))
        .unwrap()
}

/// Issue 14, rule 6: the form has an income line, stored on its own and never netted from the
/// spend; the page, the history and the REST export show it apart; bad income names its field.
async fn income_has_its_own_line_on_the_form_the_page_and_the_export(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    ok(&start(&app, &p.officer, FY).await);
    ok(&save(
        &app,
        &p.officer,
        &[
            ("hardware-capital", "1000"),
            ("income-revenue", "50,000"),
            ("income-note", "SWAN recharges"),
        ],
    )
    .await);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(revenue_pence AS BIGINT) FROM spend_return_income"
        )
        .await,
        5_000_000
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_return_lines"
        )
        .await,
        1,
        "income is not a spend line"
    );
    let page = app.get_as(PAGE, Some(&p.officer)).await;
    assert!(
        page.body.contains(r#"id="income-revenue""#) && page.body.contains(r#"value="50000.00""#),
        "the form shows the stored income"
    );
    assert_eq!(
        tests::text_of(&page.body, "grand-total"),
        "£1,000.00",
        "the spend total leaves income out"
    );
    assert!(
        page.body.contains("Income saved")
            && page
                .body
                .contains("Income revenue: not reported → £50,000.00")
    );
    assert!(audit_actions(&app)
        .await
        .contains(&"return_income_saved".to_owned()));

    // Bad income is refused at its field, and the stored income stays.
    for (value, words) in [
        ("-5", "refund of spend is not income"),
        ("12k", "pounds and pence"),
    ] {
        let refused = save(
            &app,
            &p.officer,
            &[("hardware-capital", "1000"), ("income-revenue", value)],
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{value}");
        assert!(
            refused.body.contains("income-revenue") && refused.body.contains(words),
            "{value}: {}",
            refused.body
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT CAST(revenue_pence AS BIGINT) FROM spend_return_income"
        )
        .await,
        5_000_000
    );

    // The board reads it apart from the spend, in the page and the export.
    ok(&act(&app, &p.officer, "submit", "").await);
    let review = app.get_as(PAGE, Some(&p.board)).await;
    assert!(review.body.contains(r#"id="return-income""#) && review.body.contains("£50,000.00"));
    let json = app
        .get_as(
            "/api/v1/returns?fy=2013-14&org=council-fife",
            Some(&p.board),
        )
        .await;
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(value["returns"][0]["income"]["revenue"], "50000.00");
    assert_eq!(value["returns"][0]["income"]["note"], "SWAN recharges");
    assert_eq!(value["returns"][0]["lines"].as_array().unwrap().len(), 1);
    let csv = app
        .get_as("/api/v1/returns?fy=2013-14&format=csv", Some(&p.board))
        .await;
    assert!(
        csv.body.contains(",hardware,1000.00,0.00,,\r\n")
            && csv
                .body
                .contains(",income,0.00,50000.00,,SWAN recharges\r\n"),
        "{}",
        csv.body
    );

    // Emptying the boxes takes the income line away (not reported, not £0).
    ok(&act(&app, &p.board, "send-back", "Please split the recharges").await);
    ok(&save(&app, &p.officer, &[("hardware-capital", "1000")]).await);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_return_income"
        )
        .await,
        0
    );
    app.teardown().await;
}

/// Issue 15: typed markup reached other users' pages through `<title>`, `<textarea>` and
/// attributes. One payload that would break out of each, typed into every kind of field that is
/// shown back — a site's name (title, heading, input value), a board pack's title, an
/// initiative's title and quality note (title, input value, textarea), an archive reason and an
/// abandonment reason (table cells) and the sign-in page's `next` — is shown as text everywhere.
async fn every_sink_shows_typed_markup_as_text(backend: Backend) {
    use app::services::{board_packs, estate, initiatives, shared};
    let app = TestApp::spawn(backend).await;
    let payload =
        r#"</title></textarea>"><meta http-equiv="refresh" content="0;url=//evil.example">"#;
    let raw = r#"<meta http-equiv="refresh""#;
    let (fife, officer) = app
        .signed_in_user("morag@fife.gov.uk", Role::Officer, &[FIFE])
        .await;
    let (board, board_token) = app.signed_in_user("board@gov.scot", Role::Board, &[]).await;
    let client = tests::test_client();
    let site_form = |name: &str| {
        tests::form(&[
            ("name", name),
            ("site_type", "server-room"),
            ("ownership", "owned"),
            ("physical_servers", "1"),
            ("virtual_hosts", "0"),
            ("virtual_machines", "0"),
        ])
    };
    let site = async {
        let actor = tests::actor(&fife, Some(&client));
        estate::save_site(
            &app.db,
            &actor.write_body(FIFE)?,
            None,
            None,
            &site_form(payload),
        )
        .await
    }
    .await
    .unwrap();
    let typo = async {
        let actor = tests::actor(&fife, Some(&client));
        estate::save_site(
            &app.db,
            &actor.write_body(FIFE)?,
            None,
            None,
            &site_form("Typo"),
        )
        .await
    }
    .await
    .unwrap();
    let rv: i64 = sqlx::query_scalar("SELECT row_version FROM data_centres WHERE id = $1")
        .bind(typo)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    async {
        let actor = tests::actor(&fife, Some(&client));
        estate::archive_site(
            &app.db,
            &actor.write_body(FIFE)?,
            typo,
            rv,
            &tests::form(&[("reason", payload)]),
        )
        .await
    }
    .await
    .unwrap();
    let initiative = async {
        let actor = tests::actor(&fife, Some(&client));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body(FIFE)?,
            &tests::form(&[
                ("org", FIFE),
                ("title", payload),
                ("kind", "other"),
                ("class", "cash-releasing"),
                ("evidence", "partial"),
                ("recurring", "1"),
                ("first_year", "2014-15"),
                ("party", "own"),
                ("quality_note", payload),
            ]),
        )
        .await
    }
    .await
    .unwrap();
    let adoption = async {
        let actor = tests::actor(&fife, Some(&client));
        shared::record_adoption(
            &app.db,
            &actor.write_body(FIFE)?,
            &tests::form(&[
                ("org", FIFE),
                ("service", "swan"),
                ("class", "cash-releasing"),
                ("cost_before", "1"),
                ("cost_after", "0"),
            ]),
        )
        .await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&fife, Some(&client));
        shared::move_adoption(
            &app.db,
            &actor.write_body(FIFE)?,
            &shared::Step {
                id: adoption,
                row_version: 1,
                stage: "abandoned",
                date: "2015-04-01",
                reason: payload,
            },
        )
        .await
    }
    .await
    .unwrap();
    let pack = async {
        let actor = tests::actor(&board, Some(&client));
        board_packs::freeze(
            &app.db,
            &actor.read_all()?,
            payload,
            &app::model::dashboard::DashboardQuery::default(),
        )
        .await
    }
    .await
    .unwrap();
    for (path, token) in [
        (format!("/data-centres/{FIFE}/{site}"), Some(&officer)),
        (format!("/data-centres/{FIFE}"), Some(&officer)),
        (
            format!("/savings/{FIFE}/initiatives/{initiative}"),
            Some(&officer),
        ),
        (format!("/savings/{FIFE}/initiatives"), Some(&officer)),
        (format!("/shared-services/{FIFE}"), Some(&officer)),
        (format!("/board-packs/{pack}"), Some(&board_token)),
        (
            "/login?next=%22%3E%3Cmeta%20http-equiv%3D%22refresh%22".to_owned(),
            None,
        ),
    ] {
        let page = app.get_as(&path, token.map(String::as_str)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(
            !page.body.contains(raw),
            "{path}: the payload became markup:\n{}",
            page.body
        );
    }
    // And it is there, as text, where it was typed.
    let site_page = app
        .get_as(&format!("/data-centres/{FIFE}/{site}"), Some(&officer))
        .await;
    assert!(
        site_page.body.contains("&lt;/title&gt;"),
        "the name is shown"
    );
    app.teardown().await;
}

on_both_backends!(
    every_sink_shows_typed_markup_as_text,
    a_refused_form_comes_back_by_reference_and_only_to_its_author,
    an_officer_withdraws_a_submitted_return,
    typed_text_never_becomes_markup,
    concurrent_saves_never_fail_and_a_lost_race_is_a_conflict,
    income_has_its_own_line_on_the_form_the_page_and_the_export,
    officer_and_board_take_a_return_from_draft_to_a_restatement,
    bad_input_names_its_field_and_saves_nothing,
    without_javascript_the_form_shows_every_error_and_keeps_what_was_typed,
    a_stale_form_is_refused_and_says_what_changed,
    a_big_change_from_last_year_needs_an_explanation_the_board_sees,
    the_lists_show_status_deadlines_and_overdue_bodies,
    the_rest_api_exports_json_and_csv_within_the_callers_scope,
);
