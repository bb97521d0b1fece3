//! The authorisation matrix: every page route and every server function, enumerated from the
//! application itself, requested as each kind of user, against the policy written here.
//!
//! A new route or server function without a line in `policy` fails this test, so none can be
//! forgotten. Runs on SQLite and on PostgreSQL.
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
        | "/savings/{org}/{fy}/calculation" => (Access::OrgRead, ""),
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

/// Every route the application serves: its pages, its server functions and `/healthz`.
fn all_routes() -> Vec<(String, Method)> {
    let mut routes: Vec<(String, Method)> = tests::page_routes()
        .iter()
        .map(|r| (r.path().to_owned(), Method::GET))
        .collect();
    routes
        .extend(server_fn::axum::server_fn_paths().map(|(path, method)| (path.to_owned(), method)));
    routes.push(("/healthz".to_owned(), Method::GET));
    // Plain axum routes (not Leptos pages or server functions): listed here by hand.
    routes.push(("/api/v1/returns".to_owned(), Method::GET));
    routes.push(("/api/v1/savings".to_owned(), Method::GET));
    routes.push(("/api/v1/data-centres".to_owned(), Method::GET));
    routes.push(("/api/v1/adoptions".to_owned(), Method::GET));
    routes.push((
        "/api/v1/savings/{org}/{fy}/calculation".to_owned(),
        Method::GET,
    ));
    routes.push(("/returns/template.xlsx".to_owned(), Method::GET));
    routes.push(("/returns/{org}/{fy}/template.xlsx".to_owned(), Method::GET));
    routes.push(("/import/upload".to_owned(), Method::POST));
    routes.push(("/dashboard/charts/{file}".to_owned(), Method::GET));
    routes.push(("/board-packs/{id}/pack.html".to_owned(), Method::GET));
    routes.push((
        "/organisations/{code}/charts/{file}".to_owned(),
        Method::GET,
    ));
    routes.sort_by(|a, b| a.0.cmp(&b.0));
    routes.dedup_by(|a, b| a.0 == b.0);
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

    let mut checked = 0;
    for (path, method) in &routes {
        let (access, sample) = policy(path).unwrap();
        let is_page = !path.starts_with("/api/")
            && path != "/healthz"
            && path != "/import/upload"
            && !path.ends_with(".xlsx")
            && !path.ends_with(".html")
            && !path.contains("/charts/");
        let concrete = path
            .replace("{code}", "council-fife")
            .replace("{id}", "1")
            .replace("{org}", "council-fife")
            .replace("{fy}", "2013-14")
            .replace("{token}", "nosuchupload")
            .replace("{file}", "savings-annual.csv")
            .replace("{dataset}", "savings");
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
    app.teardown().await;
}

on_both_backends!(every_route_answers_each_kind_of_user_as_the_policy_says);
