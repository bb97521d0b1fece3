//! The authorisation matrix: every page, server function and plain route with its method,
//! enumerated from the application itself, requested as each kind of user, against the policy
//! written here; every other method at each path; and every route that names an object, asked
//! for another body's object.
//!
//! A new route or server function without a line in `policy` fails this test, so none can be
//! forgotten; so does a route that names an object without an object-level case. Runs on SQLite
//! and on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use axum::body::Body;
use http::{header, Method, Request, StatusCode};
use tests::{on_both_backends, session_token, Backend, TestApp, TEST_HOST};

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// The programme office only.
    Admin,
    /// Anyone signed in.
    SignedIn,
    /// The programme board and office (they read every body's data).
    Reviewer,
    /// Reads of council-fife's data: its officer (A), the board and the office; not officer B.
    OrgRead,
    /// Changes to council-fife's data: its officer (A) only.
    OrgWrite,
    /// Anyone signed in; an unknown key (the samples use one) is 404.
    Lookup,
    /// Finance officers only (which body is checked once the request is read).
    Officers,
    /// Anyone once published; until then the board and office (404 for everyone else).
    Published,
}

/// The policy for each route, with a request that exercises it (query string or form body).
fn policy(path: &str) -> Option<(Access, &'static str)> {
    Some(match path {
        // Pages open to everyone: public reference information.
        "/" | "/login" | "/organisations" | "/dashboard" | "/returns/template.xlsx" => {
            (Access::Public, "")
        }
        "/import" => (Access::SignedIn, ""),
        "/import/{token}" => (Access::Lookup, ""),
        "/returns/{org}/{fy}/template.xlsx" => (Access::OrgRead, ""),
        "/import/upload" => (Access::Officers, "org=council-fife&fy=2013-14"),
        "/api/import/preview" => (Access::Lookup, "token=nosuchupload"),
        "/api/import/commit" => (Access::Lookup, "token=nosuchupload"),
        "/returns" | "/returns/deadlines" => (Access::SignedIn, ""),
        // Data centres: the section for anyone signed in (the estate for the board and office),
        // a body's sites for its readers, changes for its officers.
        "/data-centres" | "/api/estate/overview" => (Access::SignedIn, ""),
        "/shared-services" | "/api/shared/front" => (Access::SignedIn, ""),
        "/shared-services/{org}" => (Access::OrgRead, ""),
        "/api/shared/adoptions" => (Access::OrgRead, "org=council-fife"),
        "/api/shared/save-service" => (Access::Admin, "code=Bad+Code"),
        "/api/estate/set-target" => (Access::Admin, "year=not-a-year"),
        "/api/shared/record-adoption" => (Access::OrgWrite, "org=council-fife&service=nosuch"),
        "/api/shared/move-adoption" => (
            Access::OrgWrite,
            "org=council-fife&id=999999&row_version=1&stage=live&date=2015-04-01",
        ),
        "/data-centres/{org}" | "/data-centres/{org}/{id}" => (Access::OrgRead, ""),
        "/api/estate/sites" => (Access::OrgRead, "org=council-fife"),
        "/api/estate/save-site" => (Access::OrgWrite, "org=council-fife&name="),
        "/api/estate/site-action" => (
            Access::OrgWrite,
            "org=council-fife&id=999999&row_version=1&action=close",
        ),
        "/returns/status" => (Access::Reviewer, ""),
        // The programme dashboard: public page (the programme figures only for the board and
        // office), board packs and downloads for the board and office.
        "/api/dashboard/programme" => (Access::Public, "sector=nhs"),
        // Open data: the list and the API's description for everyone; a dataset for everyone
        // once published (404 until then, except for the board and office).
        "/api/v1/open" | "/api/v1/openapi.json" => (Access::Public, ""),
        "/api/v1/open/{dataset}" => (Access::Published, ""),
        "/admin/open-data" | "/api/admin/open-data" => (Access::Admin, ""),
        "/api/admin/publish" => (Access::Admin, "dataset=nosuch&publish=yes"),
        "/api/dashboard/organisation" => (Access::Public, "code=council-fife"),
        "/organisations/{code}/charts/{file}" => (Access::OrgRead, ""),
        "/board-packs" | "/board-packs/{id}" => (Access::Reviewer, ""),
        "/api/board-packs/list" => (Access::Reviewer, ""),
        "/api/board-packs/get" => (Access::Reviewer, "id=999999"),
        "/api/dashboard/freeze" => (Access::Reviewer, "title="),
        "/dashboard/charts/{file}" => (Access::Reviewer, "sector=nhs"),
        "/board-packs/{id}/pack.html" => (Access::Reviewer, ""),
        "/returns/{org}/{fy}" => (Access::OrgRead, ""),
        "/organisations/{code}" => (Access::Public, ""),
        "/healthz" => (Access::Public, ""),
        "/admin"
        | "/admin/audit"
        | "/admin/users/new"
        | "/admin/users/{id}"
        | "/admin/organisation-changes" => (Access::Admin, ""),
        "/api/savings/successions" => (Access::Admin, ""),
        "/api/savings/record-succession" => (Access::Admin, "predecessor=nobody"),
        "/api/savings/add-organisation" => (Access::Admin, "code=x"),
        "/api/savings/decide-baseline" => {
            (Access::Admin, "org=council-fife&version=1&decision=approve")
        }
        // Server functions.
        "/api/organisations/list" => (Access::Public, "sector=nhs"),
        "/api/reference/demo-data" => (Access::Public, ""),
        "/api/organisations/get" => (Access::Public, "code=nhs-fife"),
        "/api/reference/mcclelland-baseline" => (Access::Public, ""),
        "/api/auth/me" => (Access::Public, ""),
        "/api/auth/login" => (
            Access::Public,
            "email=nobody%40gov.scot&password=wrong+password",
        ),
        "/api/auth/logout" => (Access::Public, ""),
        "/api/admin/users" => (Access::Admin, ""),
        "/api/admin/user" => (Access::Admin, "id=1"),
        "/api/admin/check" => (Access::Admin, ""),
        // Requests an admin may make but that change nothing (bad input, no such account).
        "/api/admin/create-user" => (
            Access::Admin,
            "email=bad&name=X&role=officer&organisations=&password=short",
        ),
        "/api/admin/update-access" => (Access::Admin, "id=999999&role=board&organisations="),
        "/api/admin/set-disabled" => (Access::Admin, "id=999999&disabled=true"),
        "/api/admin/reset-password" => (Access::Admin, "id=999999&password=a+long+enough+password"),
        "/api/admin/audit" => (Access::Admin, "action=login"),
        "/api/returns/page" => (Access::OrgRead, "org=council-fife&fy=2013-14"),
        "/api/returns/mine" | "/api/returns/deadlines" => (Access::SignedIn, ""),
        "/api/returns/status" => (Access::Reviewer, "fy=2013-14"),
        "/api/returns/set-deadline" => (Access::Admin, "fy=2013-14&due=not-a-date"),
        // Changes by council-fife's officer; the samples name a version that does not exist.
        "/api/returns/start" => (Access::OrgWrite, "org=council-fife&fy=2013-14"),
        "/api/returns/save" => (
            Access::OrgWrite,
            "org=council-fife&fy=2013-14&row_version=999&hardware-capital=1",
        ),
        "/api/returns/act" => (
            Access::OrgWrite,
            "org=council-fife&fy=2013-14&row_version=999&action=submit",
        ),
        // The savings engine: national figures for the board and office, a body's for its readers.
        "/savings" | "/trajectory" => (Access::Reviewer, ""),
        "/savings/{org}"
        | "/savings/{org}/baseline"
        | "/savings/{org}/initiatives"
        | "/savings/{org}/initiatives/{id}"
        | "/savings/{org}/{fy}/calculation" => (Access::OrgRead, ""),
        "/api/savings/initiative" => (Access::OrgRead, "org=council-fife&id=999999"),
        "/api/savings/correct-initiative" => (
            Access::OrgWrite,
            "org=council-fife&id=999999&row_version=1&action=withdraw&reason=Wrong",
        ),
        "/api/savings/initiatives" => (Access::OrgRead, "org=council-fife"),
        "/api/savings/record-initiative" => (Access::OrgWrite, "org=council-fife&title="),
        "/api/savings/summary" | "/api/savings/targets" => (Access::Reviewer, ""),
        "/api/savings/body" | "/api/savings/baseline" => (Access::OrgRead, "org=council-fife"),
        "/api/savings/trace" => (Access::OrgRead, "org=council-fife&fy=2013-14"),
        "/api/savings/record-baseline" => {
            (Access::OrgWrite, "org=council-fife&year=2008-09&reason=")
        }
        "/api/savings/explain" => (Access::OrgWrite, "org=council-fife&fy=2013-14&explanation="),
        "/api/savings/save-targets" => (Access::Admin, "profile=nosuch&method=nosuch"),
        // The REST API.
        "/api/v1/returns" => (Access::OrgRead, "org=council-fife&fy=2013-14"),
        "/api/v1/savings" => (Access::Reviewer, ""),
        "/api/v1/data-centres" | "/api/v1/adoptions" => (Access::OrgRead, "org=council-fife"),
        "/api/v1/savings/{org}/{fy}/calculation" => (Access::OrgRead, ""),
        _ => return None,
    })
}

/// Every (path, method) the application serves, enumerated from the application itself: its
/// pages, its server functions, and the plain routes as the router is built from them
/// (`server::plain_routes`: REST, open data, files, downloads, `/healthz`).
fn all_routes() -> Vec<(String, Method)> {
    let mut routes: Vec<(String, Method)> = tests::page_routes()
        .iter()
        .map(|r| (r.path().to_owned(), Method::GET))
        .collect();
    routes
        .extend(server_fn::axum::server_fn_paths().map(|(path, method)| (path.to_owned(), method)));
    routes.extend(
        server::plain_routes(1024)
            .listed()
            .iter()
            .map(|(path, method)| ((*path).to_owned(), method.clone())),
    );
    routes.sort_by(|a, b| (&a.0, a.1.as_str()).cmp(&(&b.0, b.1.as_str())));
    routes.dedup();
    routes
}

#[derive(Clone, Copy, Debug)]
enum Actor {
    Anonymous,
    OfficerA,
    OfficerB,
    Board,
    Admin,
}

const ACTORS: [Actor; 5] = [
    Actor::Anonymous,
    Actor::OfficerA,
    Actor::OfficerB,
    Actor::Board,
    Actor::Admin,
];

fn expected(access: Access, actor: Actor, is_page: bool) -> &'static [StatusCode] {
    match (access, actor) {
        (Access::Public, _) => &[StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
        (Access::Published, Actor::Board | Actor::Admin) => &[StatusCode::OK],
        (Access::Published, _) => &[StatusCode::NOT_FOUND],
        (Access::Admin, Actor::Admin) => &[
            StatusCode::OK,
            StatusCode::NOT_FOUND,
            StatusCode::UNPROCESSABLE_ENTITY,
        ],
        (_, Actor::Anonymous) if is_page => &[StatusCode::FOUND],
        (_, Actor::Anonymous) => &[StatusCode::UNAUTHORIZED],
        (Access::Admin, _) => &[StatusCode::FORBIDDEN],
        (Access::SignedIn, _) => &[StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
        (Access::Reviewer, Actor::Board | Actor::Admin) => &[
            StatusCode::OK,
            StatusCode::NOT_FOUND,
            StatusCode::UNPROCESSABLE_ENTITY,
        ],
        (Access::Reviewer, _) => &[StatusCode::FORBIDDEN],
        (Access::OrgRead, Actor::OfficerA | Actor::Board | Actor::Admin) => &[
            StatusCode::OK,
            StatusCode::NOT_FOUND,
            StatusCode::UNPROCESSABLE_ENTITY,
        ],
        (Access::OrgWrite, Actor::OfficerA) => &[
            StatusCode::OK,
            StatusCode::FOUND,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
            StatusCode::UNPROCESSABLE_ENTITY,
        ],
        (Access::OrgRead | Access::OrgWrite, _) => &[StatusCode::FORBIDDEN],
        (Access::Lookup, _) => &[StatusCode::OK, StatusCode::NOT_FOUND],
        (Access::Officers, Actor::OfficerA | Actor::OfficerB) => {
            &[StatusCode::UNPROCESSABLE_ENTITY]
        }
        (Access::Officers, _) => &[StatusCode::FORBIDDEN],
    }
}

async fn every_route_answers_each_kind_of_user_as_the_policy_says(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut passwords = Vec::new();
    for (email, role, orgs) in [
        ("officer.a@fife.gov.uk", Role::Officer, vec!["council-fife"]),
        (
            "officer.b@angus.gov.uk",
            Role::Officer,
            vec!["council-angus"],
        ),
        ("board@gov.scot", Role::Board, vec![]),
        ("admin@gov.scot", Role::Admin, vec![]),
    ] {
        passwords.push((email, app.create_user(email, role, &orgs).await));
    }

    let routes = all_routes();
    let unlisted: Vec<&String> = routes
        .iter()
        .map(|(p, _)| p)
        .filter(|p| policy(p).is_none())
        .collect();
    assert!(
        unlisted.is_empty(),
        "routes with no line in the authorisation policy: {unlisted:?}"
    );
    assert!(
        routes.len() >= 15,
        "the enumeration found the routes: {routes:?}"
    );
    // Issue 15: the open-data routes were missing from a list kept by hand.
    for path in [
        "/api/v1/open",
        "/api/v1/open/{dataset}",
        "/api/v1/openapi.json",
        "/healthz",
    ] {
        assert!(
            routes.iter().any(|(p, m)| p == path && *m == Method::GET),
            "{path} is enumerated"
        );
    }

    let mut checked = 0;
    for (path, method) in &routes {
        let (access, sample) = policy(path).unwrap();
        let is_page = !path.starts_with("/api/")
            && path != "/healthz"
            && path != "/import/upload"
            && !path.ends_with(".xlsx")
            && !path.ends_with(".html")
            && !path.contains("/charts/");
        let concrete = concrete_path(path);
        for actor in ACTORS {
            // A fresh session for every request, so that signing out cannot affect the next; the
            // sample sign-in failures must not lock the accounts out either.
            sqlx::query("DELETE FROM login_throttle")
                .execute(app.db.pool())
                .await
                .unwrap();
            let account = match actor {
                Actor::Anonymous => None,
                Actor::OfficerA => Some(&passwords[0]),
                Actor::OfficerB => Some(&passwords[1]),
                Actor::Board => Some(&passwords[2]),
                Actor::Admin => Some(&passwords[3]),
            };
            let token = match account {
                Some((email, password)) => Some(
                    app.login(email, password)
                        .await
                        .expect("the actor signs in"),
                ),
                None => None,
            };
            let mut request = if *method == Method::GET {
                let uri = if sample.is_empty() {
                    concrete.clone()
                } else {
                    format!("{concrete}?{sample}")
                };
                Request::get(uri)
            } else {
                Request::post(concrete.clone())
                    .header(header::ORIGIN, format!("http://{TEST_HOST}"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            }
            .header(header::HOST, TEST_HOST);
            if let Some(token) = &token {
                request = request.header(header::COOKIE, format!("tracker_session={token}"));
            }
            let body = if *method == Method::GET {
                Body::empty()
            } else {
                Body::from(sample)
            };
            let response = app.request(request.body(body).unwrap()).await;
            let allowed = expected(access, actor, is_page);
            assert!(
                allowed.contains(&response.status),
                "{method} {concrete} as {actor:?}: {} (expected one of {allowed:?})",
                response.status
            );
            if response.status == StatusCode::FOUND && matches!(actor, Actor::Anonymous) {
                let location = response
                    .headers
                    .get(header::LOCATION)
                    .unwrap()
                    .to_str()
                    .unwrap();
                assert!(
                    location.starts_with("/login?next="),
                    "{concrete}: redirected to {location}"
                );
            }
            if access == Access::Admin && !matches!(actor, Actor::Admin) {
                // A refused page may show the visitor's own account, never anyone else's.
                let own = match actor {
                    Actor::OfficerA => Some(passwords[0].0),
                    Actor::OfficerB => Some(passwords[1].0),
                    Actor::Board => Some(passwords[2].0),
                    Actor::Anonymous | Actor::Admin => None,
                };
                for (email, _) in &passwords {
                    assert!(
                        Some(*email) == own || !response.body.contains(email),
                        "{concrete} as {actor:?} leaked the account {email}"
                    );
                }
            }
            assert!(
                session_token(&response).is_none() || path == "/api/auth/login",
                "{concrete} set a session"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * ACTORS.len());

    // Issue 15: one method was tried per path. Every other method, at every path, is refused
    // before any handler runs (405), whoever asks.
    let (email, password) = &passwords[3];
    let admin = app
        .login(email, password)
        .await
        .expect("the office signs in");
    let mut paths: Vec<&String> = routes.iter().map(|(p, _)| p).collect();
    paths.dedup();
    for path in paths {
        let concrete = concrete_path(path);
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            if routes.iter().any(|(p, m)| p == path && *m == method) {
                continue;
            }
            let request = Request::builder()
                .method(method.clone())
                .uri(concrete.clone())
                .header(header::HOST, TEST_HOST)
                .header(header::ORIGIN, format!("http://{TEST_HOST}"))
                .header(header::COOKIE, format!("tracker_session={admin}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("id=1"))
                .unwrap();
            let response = app.request(request).await;
            assert_eq!(
                response.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {concrete} is not a route, yet it answered"
            );
        }
    }
    app.teardown().await;
}

/// A route's path with its parameters filled in with samples.
fn concrete_path(path: &str) -> String {
    path.replace("{code}", "council-fife")
        .replace("{id}", "1")
        .replace("{org}", "council-fife")
        .replace("{fy}", "2013-14")
        .replace("{token}", "nosuchupload")
        .replace("{file}", "savings-annual.csv")
        .replace("{dataset}", "savings")
}

/// Routes that name an object by id or token but whose objects belong to no body: who may use
/// them at all is the matrix above (the office's accounts, the board's packs).
const NOT_BODY_OBJECTS: &[&str] = &[
    "/admin/users/{id}",
    "/api/admin/user",
    "/api/admin/update-access",
    "/api/admin/set-disabled",
    "/api/admin/reset-password",
    "/board-packs/{id}",
    "/board-packs/{id}/pack.html",
    "/api/board-packs/get",
];

/// Whether a route names an object by id or token (in its path or its sample request).
fn names_an_object(path: &str) -> bool {
    let sample = policy(path).map(|(_, s)| s).unwrap_or_default();
    path.contains("{id}")
        || path.contains("{token}")
        || sample
            .split('&')
            .any(|pair| pair.starts_with("id=") || pair.starts_with("token="))
}

/// Issue 15: the matrix had no object-level cases. Here council-fife's officer asks for
/// council-angus's objects — a site, an adoption, an initiative, an import upload — under
/// council-fife's own addresses, through every route that names an object: each answers 404,
/// says nothing of the object, and changes nothing. A route that names an object and has no case
/// here (and is not listed as owned by no body) fails the test.
async fn another_body_s_objects_are_not_found_under_your_own_address(backend: Backend) {
    use app::services::{estate, initiatives, shared};
    let app = TestApp::spawn(backend).await;
    let (_, fife) = app
        .signed_in_user("officer.a@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let angus = app
        .user("officer.b@angus.gov.uk", Role::Officer, &["council-angus"])
        .await;
    let client = tests::test_client();
    let site = async {
        let actor = tests::actor(&angus, Some(&client));
        estate::save_site(
            &app.db,
            &actor.write_body("council-angus")?,
            None,
            None,
            &tests::form(&[
                ("name", "Angus House secret room"),
                ("site_type", "server-room"),
                ("ownership", "owned"),
                ("physical_servers", "10"),
                ("virtual_hosts", "0"),
                ("virtual_machines", "0"),
            ]),
        )
        .await
    }
    .await
    .unwrap();
    let adoption = async {
        let actor = tests::actor(&angus, Some(&client));
        shared::record_adoption(
            &app.db,
            &actor.write_body("council-angus")?,
            &tests::form(&[
                ("org", "council-angus"),
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
    let initiative = async {
        let actor = tests::actor(&angus, Some(&client));
        initiatives::record_initiative(
            &app.db,
            &actor.write_body("council-angus")?,
            &tests::form(&[
                ("org", "council-angus"),
                ("title", "Angus secret initiative"),
                ("kind", "other"),
                ("class", "cash-releasing"),
                ("evidence", "partial"),
                ("recurring", "1000"),
                ("first_year", "2014-15"),
                ("party", "own"),
                ("quality_note", "Angus's own note."),
            ]),
        )
        .await
    }
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO import_uploads (token, org_id, fy_start, file_name, sha256, size_bytes,
                                     content, uploaded_by, created_at)
         SELECT 'angussecretupload', o.id, 2013, 'angus.csv', 'x', 1, $1, u.id, 0
           FROM organisations o, users u
          WHERE o.code = 'council-angus' AND u.email = 'officer.b@angus.gov.uk'",
    )
    .bind(b"category,capital,revenue\n".to_vec())
    .execute(app.db.pool())
    .await
    .unwrap();
    let (site_id, adoption_id, initiative_id) = (site, adoption, initiative);
    let (site, adoption, initiative) = (
        site.to_string(),
        adoption.to_string(),
        initiative.to_string(),
    );
    let cases: Vec<(&str, Method, String, String)> = vec![
        (
            "/data-centres/{org}/{id}",
            Method::GET,
            format!("/data-centres/council-fife/{site}"),
            String::new(),
        ),
        (
            "/api/estate/site-action",
            Method::POST,
            "/api/estate/site-action".into(),
            format!("org=council-fife&id={site}&row_version=1&action=migrate"),
        ),
        (
            "/api/shared/move-adoption",
            Method::POST,
            "/api/shared/move-adoption".into(),
            format!(
                "org=council-fife&id={adoption}&row_version=1&stage=contracted&date=2015-04-01"
            ),
        ),
        (
            "/savings/{org}/initiatives/{id}",
            Method::GET,
            format!("/savings/council-fife/initiatives/{initiative}"),
            String::new(),
        ),
        (
            "/api/savings/initiative",
            Method::GET,
            format!("/api/savings/initiative?org=council-fife&id={initiative}"),
            String::new(),
        ),
        (
            "/api/savings/correct-initiative",
            Method::POST,
            "/api/savings/correct-initiative".into(),
            format!(
                "org=council-fife&id={initiative}&row_version=1&action=withdraw&reason=Mine+now"
            ),
        ),
        (
            "/import/{token}",
            Method::GET,
            "/import/angussecretupload".into(),
            String::new(),
        ),
        (
            "/api/import/preview",
            Method::GET,
            "/api/import/preview?token=angussecretupload".into(),
            String::new(),
        ),
        (
            "/api/import/commit",
            Method::POST,
            "/api/import/commit".into(),
            "token=angussecretupload".into(),
        ),
    ];
    let routes = all_routes();
    let uncovered: Vec<&String> = routes
        .iter()
        .map(|(p, _)| p)
        .filter(|p| names_an_object(p))
        .filter(|p| !NOT_BODY_OBJECTS.contains(&p.as_str()))
        .filter(|p| !cases.iter().any(|(route, ..)| route == p))
        .collect();
    assert!(
        uncovered.is_empty(),
        "routes that name an object with no object-level case: {uncovered:?}"
    );
    let before: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT row_version FROM data_centres WHERE id = $1),
                (SELECT row_version FROM adoptions WHERE id = $2),
                (SELECT row_version FROM initiatives WHERE id = $3)",
    )
    .bind(site_id)
    .bind(adoption_id)
    .bind(initiative_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    for (route, method, uri, body) in &cases {
        assert!(
            routes.iter().any(|(p, m)| p == route && m == method),
            "{method} {route} is not a route"
        );
        let request = if *method == Method::GET {
            Request::get(uri.as_str())
        } else {
            Request::post(uri.as_str())
                .header(header::ORIGIN, format!("http://{TEST_HOST}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        }
        .header(header::HOST, TEST_HOST)
        .header(header::COOKIE, format!("tracker_session={fife}"))
        .body(Body::from(body.clone()))
        .unwrap();
        let response = app.request(request).await;
        assert_eq!(
            response.status,
            StatusCode::NOT_FOUND,
            "{route} ({uri}) with council-angus's object: {}",
            response.body
        );
        for secret in [
            "Angus House secret room",
            "Angus secret initiative",
            "angus.csv",
        ] {
            assert!(!response.body.contains(secret), "{route} told {secret:?}");
        }
    }
    let after: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT row_version FROM data_centres WHERE id = $1),
                (SELECT row_version FROM adoptions WHERE id = $2),
                (SELECT row_version FROM initiatives WHERE id = $3)",
    )
    .bind(site_id)
    .bind(adoption_id)
    .bind(initiative_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(before, after, "nothing of council-angus's changed");
    app.teardown().await;
}

on_both_backends!(
    every_route_answers_each_kind_of_user_as_the_policy_says,
    another_body_s_objects_are_not_found_under_your_own_address,
);
