//! Spreadsheet imports through the router on SQLite and PostgreSQL: the template round trip to
//! the penny, the preview and the commit, re-importing the same file, and broken or hostile
//! files that each get a precise message while nothing is written.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use axum::body::Body;
use http::{header, Request, StatusCode};
use tests::files::{fill_template, multipart, xlsx};
use tests::{on_both_backends, Backend, TestApp, TestResponse, TEST_HOST};

const FIFE: &str = "council-fife";

struct People {
    officer: String,
    other_officer: String,
    board: String,
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
    ] {
        let password = app.create_user(email, role, &orgs).await;
        tokens.push(app.login(email, &password).await.expect("signs in"));
    }
    let mut t = tokens.into_iter();
    People {
        officer: t.next().unwrap(),
        other_officer: t.next().unwrap(),
        board: t.next().unwrap(),
    }
}

/// Uploads as a browser does (a form post that wants HTML back).
async fn upload(
    app: &TestApp,
    token: &str,
    org: &str,
    fy: &str,
    name: &str,
    bytes: &[u8],
) -> TestResponse {
    let (content_type, body) = multipart(&[("org", org), ("fy", fy)], name, bytes);
    let request = Request::post("/import/upload")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::from(body))
        .unwrap();
    app.request(request).await
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

/// Uploads and returns the preview page's path.
async fn upload_ok(app: &TestApp, token: &str, name: &str, bytes: &[u8]) -> String {
    let response = upload(app, token, FIFE, "2013-14", name, bytes).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let to = location(&response);
    assert!(to.starts_with("/import/"), "{to}");
    to
}

async fn commit(app: &TestApp, token: &str, preview_path: &str, acknowledge: bool) -> TestResponse {
    let upload_token = preview_path.trim_start_matches("/import/");
    let mut form = vec![("token", upload_token)];
    if acknowledge {
        form.push(("acknowledge", "yes"));
    }
    app.post_form("/api/import/commit", &form, Some(token))
        .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn pence(app: &TestApp, category: &str) -> (i64, i64, Option<i64>) {
    sqlx::query_as(
        "SELECT l.capital_pence, l.revenue_pence, l.fte_hundredths FROM spend_return_lines l
           JOIN spend_returns r ON r.id = l.return_id
          WHERE l.category = $1 AND r.fy_start = 2013 ORDER BY r.version DESC LIMIT 1",
    )
    .bind(category)
    .fetch_one(app.db.pool())
    .await
    .unwrap()
}

async fn a_filled_in_template_imports_to_the_penny(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let template = app
        .get_as(
            "/returns/council-fife/2013-14/template.xlsx",
            Some(&p.officer),
        )
        .await;
    assert_eq!(template.status, StatusCode::OK);
    // The test reads the body as text; fetch the bytes again through the router.
    let request = Request::get("/returns/council-fife/2013-14/template.xlsx")
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, format!("tracker_session={}", p.officer))
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .unwrap();
    // Rows 4.. hold the categories in order: 4 hardware, 8 staff, 10 energy, 12 other.
    let filled = fill_template(
        &bytes,
        &[
            (4, "D", "1234.56"),
            (4, "E", "0.30000000000000004"),
            (8, "E", "50000"),
            (8, "F", "2.5"),
            (10, "E", "18000.1"),
            (10, "G", "Whole building metered"),
            (12, "D", "500"),
            (12, "E", "-250.75"),
        ],
    );
    let preview_path = upload_ok(&app, &p.officer, "fife-2013-14.xlsx", &filled).await;
    let preview = app.get_as(&preview_path, Some(&p.officer)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        !preview.body.contains("problems to fix"),
        "no errors: {}",
        preview.body
    );
    assert!(preview
        .body
        .contains(r#"data-category="hardware" data-change="New""#));
    // 1234.56 + 0.30 + 50,000 + 18,000.10 + 500 - 250.75 = 69,484.21 (a credit refunds spend
    // within its category, which stays above zero)
    assert!(preview.body.contains("£69,484.21"), "the total after");
    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_returns").await,
        0,
        "a preview writes nothing"
    );

    let done = commit(&app, &p.officer, &preview_path, false).await;
    assert!(
        done.status.is_success() || done.status.is_redirection(),
        "{}: {}",
        done.status,
        done.body
    );
    assert_eq!(pence(&app, "hardware").await, (123_456, 30, None));
    assert_eq!(pence(&app, "staff").await, (0, 5_000_000, Some(250)));
    assert_eq!(pence(&app, "energy").await, (0, 1_800_010, None));
    assert_eq!(pence(&app, "other").await, (50_000, -25_075, None));
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'return_imported'")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audit.len(), 1);
    let sha = app::services::import::sha256_hex(&filled);
    assert!(
        audit[0].contains(&sha) && audit[0].contains("fife-2013-14.xlsx"),
        "{}",
        audit[0]
    );
    assert!(audit[0].contains("\"size_bytes\""));
    let page = app
        .get_as("/returns/council-fife/2013-14", Some(&p.officer))
        .await;
    assert!(
        page.body.contains("Imported from a spreadsheet")
            && page.body.contains("fife-2013-14.xlsx")
    );

    // The same file again: the preview says nothing would change, and the commit writes nothing.
    let again = upload_ok(&app, &p.officer, "fife-2013-14.xlsx", &filled).await;
    let preview = app.get_as(&again, Some(&p.officer)).await;
    assert!(
        preview.body.contains(r#"id="no-changes""#),
        "{}",
        preview.body
    );
    let done = commit(&app, &p.officer, &again, false).await;
    assert!(location(&done).contains("imported=unchanged"));
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'return_imported'"
        )
        .await,
        1
    );
    let row_version = count(&app, "SELECT row_version FROM spend_returns").await;
    assert_eq!(row_version, 2, "one change only: the first import");
    app.teardown().await;
}

/// Issue 15: a colleague's save between the preview and the commit was silently replaced by the
/// file. The commit is pinned to what the preview showed: a change in between is a conflict
/// that says what changed, and nothing is written.
async fn an_import_is_pinned_to_what_its_preview_showed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let csv = b"Category,Capital (\xc2\xa3)\nhardware,1000\n";
    let preview_path = upload_ok(&app, &p.officer, "fife.csv", csv).await;
    let preview = app.get_as(&preview_path, Some(&p.officer)).await;
    assert_eq!(preview.status, StatusCode::OK);
    // Meanwhile a colleague starts the return and saves a figure.
    let started = app
        .post_form(
            "/api/returns/start",
            &[("org", FIFE), ("fy", "2013-14")],
            Some(&p.officer),
        )
        .await;
    assert!(started.status.is_success() || started.status.is_redirection());
    let rv = count(&app, "SELECT row_version FROM spend_returns")
        .await
        .to_string();
    let saved = app
        .post_form(
            "/api/returns/save",
            &[
                ("org", FIFE),
                ("fy", "2013-14"),
                ("row_version", &rv),
                ("software-revenue", "777"),
            ],
            Some(&p.officer),
        )
        .await;
    assert!(
        saved.status.is_success() || saved.status.is_redirection(),
        "{}",
        saved.body
    );
    let refused = commit(&app, &p.officer, &preview_path, false).await;
    let shown = format!("{} {}", refused.status, refused.body);
    assert!(
        refused.status == StatusCode::CONFLICT || refused.headers.get(header::LOCATION).is_some(),
        "{shown}"
    );
    let text = if refused.status == StatusCode::CONFLICT {
        refused.body.clone()
    } else {
        app.get_as(&location(&refused), Some(&p.officer)).await.body
    };
    assert!(
        text.contains("Nothing was imported")
            && text.contains("2013-14 return")
            && text.contains("morag@fife.gov.uk"),
        "{text}"
    );
    assert_eq!(
        pence(&app, "software").await,
        (0, 77_700, None),
        "the colleague's figure stands"
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_return_lines WHERE category = 'hardware'"
        )
        .await,
        0
    );
    // Seen again, the preview pins the new state, and the commit goes through.
    let again = app.get_as(&preview_path, Some(&p.officer)).await;
    assert!(
        again
            .body
            .contains(r#"data-category="software" data-change="Removed""#),
        "{}",
        again.body
    );
    let done = commit(&app, &p.officer, &preview_path, false).await;
    assert!(
        done.status.is_success() || done.status.is_redirection(),
        "{}",
        done.body
    );
    assert_eq!(pence(&app, "hardware").await, (100_000, 0, None));
    app.teardown().await;
}

/// Issue 15: a failure part-way through a commit (here a statement the test makes fail: the
/// data centre's insert, after the return's lines are replaced) leaves nothing written.
async fn a_commit_that_fails_part_way_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let fault = match backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER injected_fault BEFORE INSERT ON data_centres BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
            "CREATE TRIGGER injected_fault BEFORE INSERT ON data_centres FOR EACH ROW EXECUTE FUNCTION injected_fault()",
        ],
    };
    for statement in fault {
        sqlx::raw_sql(statement)
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    let file = tests::files::workbook(&[
        (
            "Spend",
            &[
                &["Category", "Capital (£)", "Revenue (£)"],
                &["hardware", "1000", "2000"],
                &["income", "", "50"],
            ],
        ),
        (
            "Data centres",
            &[
                &[
                    "Site name",
                    "Type",
                    "Ownership",
                    "Physical servers",
                    "Power cost (£ a year)",
                ],
                &[
                    "Fife House computer room",
                    "server-room",
                    "owned",
                    "30",
                    "25200",
                ],
            ],
        ),
    ]);
    let preview_path = upload_ok(&app, &p.officer, "fife.xlsx", &file).await;
    let preview = app.get_as(&preview_path, Some(&p.officer)).await;
    assert!(
        !preview.body.contains("problems to fix"),
        "{}",
        preview.body
    );
    let failed = commit(&app, &p.officer, &preview_path, false).await;
    assert!(
        failed.status.is_server_error()
            || failed
                .headers
                .get(header::LOCATION)
                .is_some_and(|l| l.to_str().unwrap_or("").contains("__form=")),
        "{}: {}",
        failed.status,
        failed.body
    );
    for (table, what) in [
        ("spend_returns", "no return"),
        ("spend_return_lines", "no line"),
        ("spend_return_income", "no income"),
        ("data_centres", "no site"),
    ] {
        assert_eq!(
            count(
                &app,
                &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}")
            )
            .await,
            0,
            "{what}"
        );
    }
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'return_imported'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(COUNT(*) AS BIGINT) FROM import_uploads WHERE committed_at IS NOT NULL"
        )
        .await,
        0,
        "the upload can be committed again"
    );
    app.teardown().await;
}

/// Issue 14, rule 6: income rows go to the return's income line, shown in the preview apart
/// from the spend total and never netted from it; the template names the income category.
async fn income_rows_are_imported_to_their_own_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let csv = "Category,Capital (£),Revenue (£),Note\n\
               hardware,1000,2000,\n\
               Income,,40000,SWAN recharges\n\
               income,500,,servers sold\n";
    let preview_path = upload_ok(&app, &p.officer, "fife.csv", csv.as_bytes()).await;
    let preview = app.get_as(&preview_path, Some(&p.officer)).await;
    assert!(
        !preview.body.contains("problems to fix"),
        "{}",
        preview.body
    );
    assert_eq!(
        tests::text_of(&preview.body, "total-after"),
        "£3,000.00",
        "the spend total leaves income out"
    );
    assert!(
        preview
            .body
            .contains(r#"data-category="income" data-change="New""#)
            && preview.body.contains("£40,500.00"),
        "{}",
        preview.body
    );
    let done = commit(&app, &p.officer, &preview_path, false).await;
    assert!(
        done.status.is_success() || done.status.is_redirection(),
        "{}: {}",
        done.status,
        done.body
    );
    assert_eq!(pence(&app, "hardware").await, (100_000, 200_000, None));
    let income: (i64, i64, Option<String>) =
        sqlx::query_as("SELECT capital_pence, revenue_pence, note FROM spend_return_income")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        income,
        (
            50_000,
            4_000_000,
            Some("SWAN recharges; servers sold".into())
        )
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
    // The same file again changes nothing; a file without income rows takes the line away.
    let again = upload_ok(&app, &p.officer, "fife.csv", csv.as_bytes()).await;
    let preview = app.get_as(&again, Some(&p.officer)).await;
    assert!(
        preview.body.contains(r#"id="no-changes""#),
        "{}",
        preview.body
    );
    let spend_only = upload_ok(
        &app,
        &p.officer,
        "fife2.csv",
        b"Category,Capital (\xc2\xa3)\nhardware,1000\n",
    )
    .await;
    let preview = app.get_as(&spend_only, Some(&p.officer)).await;
    assert!(
        preview
            .body
            .contains(r#"data-category="income" data-change="Removed""#),
        "{}",
        preview.body
    );
    // A negative income cell is an error at its cell; nothing is written.
    assert_refused(
        &app,
        &p.officer,
        "negative-income.csv",
        b"Category,Revenue\nincome,-5\n",
        &["B2", "income is never negative"],
    )
    .await;
    app.teardown().await;
}

/// A broken file: its upload is refused (`at_upload`) or its preview lists the error.
async fn assert_refused(app: &TestApp, token: &str, name: &str, bytes: &[u8], words: &[&str]) {
    let response = upload(app, token, FIFE, "2013-14", name, bytes).await;
    let to = location(&response);
    let body = if to.starts_with("/import?") {
        let page = app.get_as(&to, Some(token)).await;
        assert!(
            page.body.contains("There is a problem"),
            "{name}: the error summary"
        );
        page.body
    } else {
        let page = app.get_as(&to, Some(token)).await;
        assert!(
            page.body.contains(r#"id="error-table""#),
            "{name}: the error table"
        );
        assert!(
            !page.body.contains(r#"id="commit-form""#),
            "{name}: no commit offered"
        );
        let done = commit(app, token, &to, true).await;
        assert_eq!(
            done.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: the commit refuses too"
        );
        page.body
    };
    let decoded = body.replace("&quot;", "\"").replace("&#x27;", "'");
    for w in words {
        assert!(decoded.contains(w), "{name}: expected {w:?} in the report");
    }
}

async fn broken_and_hostile_files_get_precise_messages_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let csv = "Category,Capital (£),Revenue (£)\nhardware,12k,\nsoftware,,10.125\n,,\nTotal,,\n";
    assert_refused(
        &app,
        &p.officer,
        "fife.csv",
        csv.as_bytes(),
        &[
            "fife.csv!B2",
            "\"12k\"",
            "fife.csv!C3",
            "Total row at fife.csv!A5 skipped",
        ],
    )
    .await;
    let unknown = xlsx(
        "Spend",
        &[
            &[
                "Organisation",
                "Financial year",
                "Category",
                "Capital",
                "Revenue",
            ],
            &["council-fife", "2013-14", "printers", "10", ""],
            &["council-angus", "2013-14", "hardware", "10", ""],
            &["council-fife", "2014-15", "software", "10", ""],
            &["council-fife", "2013-14", "energy", "", "12.345"],
        ],
    );
    assert_refused(
        &app,
        &p.officer,
        "unknown.xlsx",
        &unknown,
        &[
            "Spend!C2",
            "\"printers\"",
            "one of the spend categories",
            "Spend!A3",
            "this import is for that body only",
            "Spend!B4",
            "2013-14 (the year being imported)",
            "Spend!E5",
            "a whole number of pence",
        ],
    )
    .await;
    let mut truncated = unknown.clone();
    truncated.truncate(unknown.len() / 2);
    assert_refused(&app, &p.officer, "truncated.xlsx", &truncated, &["damaged"]).await;
    assert_refused(
        &app,
        &p.officer,
        "report.xlsx",
        b"%PDF-1.7 not a workbook",
        &["not a spreadsheet"],
    )
    .await;
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend(vec![0u8; 512]);
    encrypted.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_refused(
        &app,
        &p.officer,
        "locked.xlsx",
        &encrypted,
        &["password-protected"],
    )
    .await;
    assert_refused(&app, &p.officer, "bomb.xlsx", &zip_bomb(), &["zip bomb"]).await;
    assert_refused(
        &app,
        &p.officer,
        "notes.docx",
        b"PK\x03\x04",
        &["does not end in one of those"],
    )
    .await;
    let big = vec![b'a'; tests::TEST_MAX_UPLOAD_BYTES + 10];
    assert_refused(&app, &p.officer, "huge.csv", &big, &["larger than 1 MB"]).await;
    assert_refused(&app, &p.officer, "empty.csv", b"", &["Choose a file"]).await;

    let other = upload(
        &app,
        &p.other_officer,
        FIFE,
        "2013-14",
        "x.csv",
        csv.as_bytes(),
    )
    .await;
    assert!(
        location(&other).contains("do+not+have+permission"),
        "{}",
        location(&other)
    );
    let board = upload(&app, &p.board, FIFE, "2013-14", "x.csv", csv.as_bytes()).await;
    assert!(location(&board).contains("permission"));
    let bad_year = upload(&app, &p.officer, FIFE, "2013", "x.csv", csv.as_bytes()).await;
    assert!(location(&bad_year).contains("field=fy"));

    assert_eq!(
        count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM spend_returns").await,
        0
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

/// A zip whose directory claims a part unpacks to about 4 GB.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    writer
        .start_file("xl/worksheets/sheet1.xml", options)
        .unwrap();
    writer.write_all(b"0123456789").unwrap();
    let mut bytes = writer.finish().unwrap().into_inner();
    let huge = 0xFFFF_FFF0_u32.to_le_bytes();
    // The local header's uncompressed size is at offset 22; the central directory entry's at 24.
    bytes[22..26].copy_from_slice(&huge);
    let central = bytes
        .windows(4)
        .position(|w| w == [0x50, 0x4b, 0x01, 0x02])
        .unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&huge);
    bytes
}

async fn a_submitted_return_takes_no_import_and_previews_belong_to_their_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let csv = "Category,Capital,Revenue\nhardware,100,200\n";
    let preview = upload_ok(&app, &p.officer, "fife.csv", csv.as_bytes()).await;
    let theirs = app.get_as(&preview, Some(&p.other_officer)).await;
    // Issue 15: another body's upload is answered as if it did not exist (it was a 403).
    assert_eq!(
        theirs.status,
        StatusCode::NOT_FOUND,
        "another body's officer cannot see it, nor learn that it exists"
    );
    let stolen = commit(&app, &p.other_officer, &preview, false).await;
    assert_eq!(stolen.status, StatusCode::NOT_FOUND);
    let done = commit(&app, &p.officer, &preview, false).await;
    assert!(location(&done).starts_with("/returns/council-fife/2013-14"));
    let twice = commit(&app, &p.officer, &preview, false).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "an upload commits once");

    let rv = count(&app, "SELECT row_version FROM spend_returns")
        .await
        .to_string();
    let submitted = app
        .post_form(
            "/api/returns/act",
            &[
                ("org", FIFE),
                ("fy", "2013-14"),
                ("row_version", &rv),
                ("action", "submit"),
            ],
            Some(&p.officer),
        )
        .await;
    assert!(submitted.status.is_success(), "{}", submitted.body);
    let later = upload_ok(
        &app,
        &p.officer,
        "fife.csv",
        "Category,Capital\nhardware,999\n".as_bytes(),
    )
    .await;
    let page = app.get_as(&later, Some(&p.officer)).await;
    assert!(
        page.body.contains(r#"id="import-blocked""#)
            && page.body.contains("with the programme board")
    );
    let refused = commit(&app, &p.officer, &later, false).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(
        pence(&app, "hardware").await,
        (10_000, 20_000, None),
        "the submitted figures stand"
    );
    app.teardown().await;
}

async fn warnings_need_an_acknowledgement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let p = people(&app).await;
    let last = upload(
        &app,
        &p.officer,
        FIFE,
        "2012-13",
        "last.csv",
        b"Category,Capital\nhardware,1000\n",
    )
    .await;
    let last = location(&last);
    location(&commit(&app, &p.officer, &last, false).await);
    let now = upload_ok(
        &app,
        &p.officer,
        "now.csv",
        b"Category,Capital\nhardware,5000\n",
    )
    .await;
    let page = app.get_as(&now, Some(&p.officer)).await;
    assert!(page.body.contains(r#"id="warning-table""#) && page.body.contains("400% higher"));
    let unconfirmed = commit(&app, &p.officer, &now, false).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.body.contains("acknowledge"));
    location(&commit(&app, &p.officer, &now, true).await);
    assert_eq!(pence(&app, "hardware").await.0, 500_000);
    app.teardown().await;
}

on_both_backends!(
    an_import_is_pinned_to_what_its_preview_showed,
    a_commit_that_fails_part_way_writes_nothing,
    income_rows_are_imported_to_their_own_line,
    a_filled_in_template_imports_to_the_penny,
    broken_and_hostile_files_get_precise_messages_and_write_nothing,
    a_submitted_return_takes_no_import_and_previews_belong_to_their_body,
    warnings_need_an_acknowledgement,
);
