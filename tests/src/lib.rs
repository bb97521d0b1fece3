//! Test harness: the real router in process, on a fresh database of either backend.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test harness: a failed expectation is a failed test"
)]
//!
//! Policy: every test gets its own database (a temporary SQLite file, or a new PostgreSQL
//! database created on the server named by `TRACKER_TEST_POSTGRES_URL`). A backend that cannot
//! be reached fails the test with a message saying how to start it; it is never skipped.

use app::db::Db;
use app::services::fixtures::{FixtureFiles, ReferenceData};
use app::state::AppState;
use axum::body::Body;
use axum::Router;
use http::{Request, StatusCode};
use std::path::PathBuf;
use tower::ServiceExt;

pub mod browser;

/// The page routes, generated once per test process: generating them while another test renders
/// a page can hang that render (see `server::page_routes`).
static PAGE_ROUTES: std::sync::LazyLock<Vec<leptos_axum::AxumRouteListing>> =
    std::sync::LazyLock::new(server::page_routes);

/// The page routes the test routers serve. Tests that enumerate routes must use this, never
/// `server::page_routes()`: generating the list again while another test renders a page can hang
/// that render forever (leptos#4773, a process-wide flag that suppresses resource loads).
pub fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    PAGE_ROUTES.clone()
}

/// The PostgreSQL server the tests create their databases on.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The workspace root (where `target/site` and `node_modules` live).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The application's router on `db`, as the server builds it.
fn test_router(db: &Db) -> Router {
    test_router_with(db, |_| {})
}

/// The router on `db` with the test state changed by `configure` (say, served over https).
pub fn test_router_with(db: &Db, configure: impl FnOnce(&mut AppState)) -> Router {
    let mut state = AppState {
        db: db.clone(),
        secure_cookies: false,
        max_upload_bytes: TEST_MAX_UPLOAD_BYTES,
        open_data_suppress: vec!["postcode".to_owned()],
        trusted_proxies: vec![ipnet::IpNet::from(TEST_PROXY)],
    };
    configure(&mut state);
    server::router_with_routes(state, test_options(), PAGE_ROUTES.clone())
}

fn test_options() -> leptos::prelude::LeptosOptions {
    leptos::prelude::LeptosOptions::builder()
        .output_name("ict-savings-tracker")
        .site_root(
            workspace_root()
                .join("target/site")
                .to_string_lossy()
                .into_owned(),
        )
        .site_pkg_dir("pkg")
        .build()
}

/// A running application on its own database.
pub struct TestApp {
    pub router: Router,
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(
        #[allow(dead_code, reason = "held so the directory lives as long as the app")]
        tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        database: String,
    },
}

/// The upload limit of test routers (small, so that the limit is cheap to test).
pub const TEST_MAX_UPLOAD_BYTES: usize = 1024 * 1024;

/// The reverse proxy test routers trust (a documentation address, RFC 5737): a request from it
/// is from the client its `X-Forwarded-For` names.
pub const TEST_PROXY: std::net::IpAddr =
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

/// The host name test requests are addressed to.
pub const TEST_HOST: &str = "tracker.test";

/// The text of the element with `id` in a page (up to its first child tag), or "" without one.
pub fn text_of(body: &str, id: &str) -> String {
    let marker = format!(r#"id="{id}""#);
    body.find(&marker)
        .and_then(|at| body[at..].find('>').map(|gt| at + gt + 1))
        .map(|start| {
            body[start..]
                .split('<')
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default()
}

/// The session token a response sets, if it sets one that is not a deletion.
pub fn session_token(response: &TestResponse) -> Option<String> {
    response
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            v.strip_prefix(&format!("{}=", app::auth::SESSION_COOKIE))
                .map(str::to_owned)
        })
        .filter_map(|rest| rest.split(';').next().map(str::to_owned))
        .find(|token| !token.is_empty())
}

/// An HTTP response with its body read as text.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

fn postgres_url() -> String {
    std::env::var("TRACKER_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// Replaces the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{database}?{q}"),
        None => format!("{prefix}/{database}"),
    }
}

/// Creates a fresh empty database of the backend and returns its URL and how to clean it up.
async fn fresh_database(backend: Backend) -> (String, Cleanup) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("a temporary directory for the SQLite file");
            let url = format!(
                "sqlite:{}?mode=rwc",
                dir.path().join("tracker.db").display()
            );
            (url, Cleanup::Sqlite(dir))
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let admin_url = postgres_url();
            let mut admin = sqlx::PgConnection::connect(&admin_url)
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is not reachable at {admin_url}: {e}. Start it with \
                     `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` \
                     or set TRACKER_TEST_POSTGRES_URL."
                    )
                });
            let database = format!("tracker_test_{}", uuid::Uuid::new_v4().simple());
            sqlx::raw_sql(&format!("CREATE DATABASE {database}"))
                .execute(&mut admin)
                .await
                .expect("CREATE DATABASE for the test");
            let _ = admin.close().await;
            (
                with_database(&admin_url, &database),
                Cleanup::Postgres {
                    admin_url,
                    database,
                },
            )
        }
    }
}

impl TestApp {
    /// A migrated database with the reference data seeded, behind the real router.
    pub async fn spawn(backend: Backend) -> TestApp {
        let app = TestApp::spawn_empty(backend).await;
        ReferenceData::parse(&FixtureFiles::embedded())
            .expect("the shipped fixtures parse")
            .write(&app.db)
            .await
            .expect("seeding the reference data");
        app
    }

    /// A migrated database with no data.
    pub async fn spawn_empty(backend: Backend) -> TestApp {
        let (url, cleanup) = fresh_database(backend).await;
        let db = Db::connect(&url, 4)
            .await
            .expect("connecting to the test database");
        db.migrate().await.expect("migrating the test database");
        let router = test_router(&db);
        TestApp {
            router,
            db,
            url,
            cleanup,
        }
    }

    /// A second server instance on the same database (its own pool), as behind a load balancer.
    pub async fn second_instance(&self) -> (Router, Db) {
        let db = Db::connect(&self.url, 4)
            .await
            .expect("connecting the second instance");
        let router = test_router(&db);
        (router, db)
    }

    /// Creates an account and returns its password.
    pub async fn create_user(&self, email: &str, role: app::domain::Role, orgs: &[&str]) -> String {
        let password = format!("pw-{}", uuid::Uuid::new_v4().simple());
        let new = app::services::auth::CreateUser {
            email: email.to_owned(),
            display_name: format!("Test {}", role.code()),
            role,
            organisations: orgs.iter().map(|o| (*o).to_owned()).collect(),
            password: password.clone(),
        };
        let client = app::services::auth::Client {
            addr: "test".into(),
        };
        app::services::auth::create_user(&self.db, new, None, &client)
            .await
            .expect("creating a test account");
        password
    }

    /// Creates an account and returns it as the services see it (for service-level tests).
    pub async fn user(
        &self,
        email: &str,
        role: app::domain::Role,
        orgs: &[&str],
    ) -> app::model::CurrentUser {
        self.create_user(email, role, orgs).await;
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.db.pool())
            .await
            .expect("the account just created");
        app::db::users::current_user(self.db.pool(), id)
            .await
            .expect("reading the account")
            .expect("the account exists")
    }

    /// Creates an account, signs it in through the real endpoint, and returns it as the services
    /// see it with its session token (for tests that use both the services and the router).
    pub async fn signed_in_user(
        &self,
        email: &str,
        role: app::domain::Role,
        orgs: &[&str],
    ) -> (app::model::CurrentUser, String) {
        let password = self.create_user(email, role, orgs).await;
        let token = self
            .login(email, &password)
            .await
            .expect("the account signs in");
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.db.pool())
            .await
            .expect("the account just created");
        let user = app::db::users::current_user(self.db.pool(), id)
            .await
            .expect("reading the account")
            .expect("the account exists");
        (user, token)
    }

    /// POSTs a form as the tracker's own pages do (same Host and Origin), with an optional session.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        token: Option<&str>,
    ) -> TestResponse {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let mut request = Request::post(path)
            .header(http::header::HOST, TEST_HOST)
            .header(http::header::ORIGIN, format!("http://{TEST_HOST}"))
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        if let Some(token) = token {
            request = request.header(
                http::header::COOKIE,
                format!("{}={token}", app::auth::SESSION_COOKIE),
            );
        }
        self.request(request.body(Body::from(body)).expect("a valid request"))
            .await
    }

    /// Signs in through the real endpoint; the session token on success.
    pub async fn login(&self, email: &str, password: &str) -> Option<String> {
        let response = self
            .post_form(
                "/api/auth/login",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        session_token(&response)
    }

    /// GET with an optional session cookie.
    pub async fn get_as(&self, path: &str, token: Option<&str>) -> TestResponse {
        let mut request = Request::get(path).header(http::header::HOST, TEST_HOST);
        if let Some(token) = token {
            request = request.header(
                http::header::COOKIE,
                format!("{}={token}", app::auth::SESSION_COOKIE),
            );
        }
        self.request(request.body(Body::empty()).expect("a valid request"))
            .await
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(
            Request::get(path)
                .body(Body::empty())
                .expect("a valid request"),
        )
        .await
    }

    /// Sends a request through this app's router.
    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        send(&self.router, request).await
    }
}

/// Sends a request through a router; an answer that takes over 20 s fails the test.
pub async fn send(router: &Router, request: Request<Body>) -> TestResponse {
    {
        let uri = request.uri().clone();
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            router.clone().oneshot(request),
        )
        .await
        .unwrap_or_else(|_| panic!("{uri} sent no response head within 20 s"))
        .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            axum::body::to_bytes(response.into_body(), 20 * 1024 * 1024),
        )
        .await
        .unwrap_or_else(|_| panic!("the body of {uri} did not finish within 20 s"))
        .expect("reading the body");
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

impl TestApp {
    /// Closes the pool; the database itself is removed when the app is dropped.
    pub async fn teardown(self) {
        tokio::time::timeout(std::time::Duration::from_secs(20), self.db.close())
            .await
            .expect("the pool closes within 20 s");
    }
}

impl Drop for TestApp {
    /// Drops a PostgreSQL test database, even when the test panicked (this runs while
    /// unwinding), on a thread of its own so that it can block on the async driver.
    fn drop(&mut self) {
        let Cleanup::Postgres {
            admin_url,
            database,
        } = &self.cleanup
        else {
            return;
        };
        let (admin_url, database) = (admin_url.clone(), database.clone());
        let dropped = std::thread::spawn(move || {
            use sqlx::Connection;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await.ok()?;
                sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("warning: could not drop the test database; remove it with DROP DATABASE");
        }
    }
}

/// A submitted form as the services take it: field name → text.
pub fn form(pairs: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The client address service-level tests act from.
pub fn test_client() -> app::services::auth::Client {
    app::services::auth::Client {
        addr: "test".into(),
    }
}

/// The actor a service-level test acts as: `user` from `client` (or the test client). A test
/// asks it for the capability the use case takes, as a server function does (ADR 0013).
pub fn actor(
    user: &app::model::CurrentUser,
    client: Option<&app::access::Client>,
) -> app::access::Actor {
    app::access::Actor::new(user.clone(), client.cloned().unwrap_or_else(test_client))
}

/// Runs each named `async fn name(backend: Backend)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
               async fn $name() { super::$name($crate::Backend::Postgres).await } )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_keeping_parameters() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}

/// Spreadsheet files for import tests: multipart bodies and workbooks built in code.
pub mod files {
    /// A `multipart/form-data` body with text fields and one file; returns (content type, body).
    pub fn multipart(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
        let boundary = "----tracker-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body)
    }

    /// An xlsx workbook with one sheet of the given name and rows (text, or numbers when a cell
    /// parses as one).
    pub fn xlsx(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
        workbook(&[(sheet, rows)])
    }

    /// A workbook of several sheets, each written as `xlsx` writes one.
    pub fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (sheet, rows) in sheets {
            let ws = book.add_worksheet();
            ws.set_name(*sheet).expect("a valid sheet name");
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (
                        u32::try_from(r).expect("few rows"),
                        u16::try_from(c).expect("few columns"),
                    );
                    if cell.is_empty() {
                        continue;
                    }
                    match cell.parse::<f64>() {
                        Ok(n) => ws.write_number(r, c, n),
                        Err(_) => ws.write_string(r, c, *cell),
                    }
                    .expect("writing a cell");
                }
            }
        }
        book.save_to_buffer().expect("an xlsx in memory")
    }

    /// Fills cells of the template's spend sheet as a person would in a spreadsheet program:
    /// inserts values after column C of the given 1-based rows. `cells` are (row, column letter,
    /// value); a value that parses as a number is stored as a number, anything else as text.
    pub fn fill_template(template: &[u8], cells: &[(u32, &str, &str)]) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut archive =
            zip::ZipArchive::new(std::io::Cursor::new(template)).expect("the template is a zip");
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).expect("a part");
            let name = part.name().to_owned();
            let mut data = Vec::new();
            part.read_to_end(&mut data).expect("reading a part");
            if name == "xl/worksheets/sheet2.xml" {
                let mut xml = String::from_utf8(data).expect("XML is UTF-8");
                let mut rows: Vec<u32> = cells.iter().map(|c| c.0).collect();
                rows.dedup();
                for row in rows {
                    let new: String = cells
                        .iter()
                        .filter(|c| c.0 == row)
                        .map(|(r, col, value)| match value.parse::<f64>() {
                            Ok(_) => format!(r#"<c r="{col}{r}"><v>{value}</v></c>"#),
                            Err(_) => format!(
                                r#"<c r="{col}{r}" t="inlineStr"><is><t>{value}</t></is></c>"#
                            ),
                        })
                        .collect();
                    let anchor = format!(r#"<c r="C{row}""#);
                    let start = xml.find(&anchor).expect("the row's category cell");
                    let end = start + xml[start..].find("</c>").expect("the cell's end") + 4;
                    xml.insert_str(end, &new);
                }
                data = xml.into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .expect("a part");
            out.write_all(&data).expect("writing a part");
        }
        out.finish().expect("the zip").into_inner()
    }
}
