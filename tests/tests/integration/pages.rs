//! Pages and endpoints through the real router, on SQLite and on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use http::StatusCode;
use tests::{on_both_backends, Backend, TestApp};

/// Counts the rows of the organisations table in a rendered page.
fn table_rows(body: &str) -> usize {
    body.matches("<tr data-sector=").count()
}

async fn the_home_page_renders_the_design_system_shell(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(r#"<html lang="en-GB""#), "language set");
    assert!(
        body.contains(r##"href="#main-content""##) && body.contains(r#"id="main-content""#),
        "skip link target"
    );
    assert!(
        body.contains("ds_site-header") && body.contains("ICT Savings Tracker"),
        "header with service name"
    );
    assert!(
        body.contains("ds_phase-banner") && body.contains("Alpha"),
        "phase banner"
    );
    assert!(body.contains("ds_site-footer"), "footer");
    for (label, href) in app::components::layout::NAVIGATION {
        assert!(
            body.contains(&format!(r#"href="{href}""#)) && body.contains(label),
            "nav item {label}"
        );
    }
    assert!(
        body.contains("/vendor/sgds/css/design-system.min.css"),
        "design system stylesheet"
    );
    assert!(body.contains("<title>"), "a document title");
    app.teardown().await;
}

async fn the_organisations_page_lists_every_seeded_body(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/organisations").await;
    assert_eq!(page.status, StatusCode::OK);
    let total = app::db::organisations::count(app.db.pool()).await.unwrap();
    assert!(
        total > 150,
        "the fixtures hold every body in scope, found {total}"
    );
    assert_eq!(table_rows(&page.body), usize::try_from(total).unwrap());
    assert!(page
        .body
        .contains(&format!("Showing {total} of {total} bodies")));
    for name in [
        "Aberdeen City Council",
        "NHS Greater Glasgow and Clyde",
        "Police Scotland",
        "University of St Andrews",
    ] {
        assert!(page.body.contains(name), "{name} listed");
    }
    app.teardown().await;
}

async fn the_sector_filter_keeps_only_that_sector(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/organisations?sector=nhs").await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = table_rows(&page.body);
    assert_eq!(
        rows,
        page.body.matches(r#"<tr data-sector="nhs""#).count(),
        "every row is NHS"
    );
    assert!(
        rows >= 14 + 8,
        "14 territorial and the national boards, found {rows}"
    );
    assert!(page.body.contains("NHS Fife") && !page.body.contains("Fife Council"));
    assert!(
        page.body.contains(r#"<option value="nhs" selected"#),
        "the chosen sector stays selected"
    );
    app.teardown().await;
}

async fn the_name_search_is_case_insensitive_and_literal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/organisations?q=FIFE").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        "Fife Council",
        "NHS Fife",
        "Fife Constabulary",
        "Fife Fire and Rescue Service",
        "Fife College",
    ] {
        assert!(page.body.contains(name), "{name} found by 'FIFE'");
    }
    assert_eq!(table_rows(&page.body), 5);
    let both = app.get("/organisations?q=fife&sector=police-fire").await;
    assert_eq!(table_rows(&both.body), 2, "the filters combine");
    let wildcard = app.get("/organisations?q=%25").await;
    assert_eq!(
        table_rows(&wildcard.body),
        0,
        "a % is matched literally, not as a wildcard"
    );
    assert!(wildcard.body.contains("No bodies match"));
    app.teardown().await;
}

async fn an_unknown_sector_is_a_clear_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/organisations?sector=health").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("sector") && page.body.contains("health"),
        "names the field and value"
    );
    app.teardown().await;
}

async fn an_organisation_page_shows_its_merger(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/organisations/police-scotland").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains(r#"<h1 class="ds_page-header__title">Police Scotland"#),
        "the heading"
    );
    assert!(page.body.contains("Predecessors"));
    for force in [
        "Strathclyde Police",
        "Northern Constabulary",
        "Scottish Crime and Drug Enforcement Agency",
    ] {
        assert!(page.body.contains(force), "{force} is a predecessor");
    }
    assert!(page.body.contains("1 April 2013"));

    let force = app.get("/organisations/police-strathclyde").await;
    assert_eq!(force.status, StatusCode::OK);
    assert!(force.body.contains("Ceased 31 March 2013"));
    assert!(
        force.body.contains("Successors")
            && force
                .body
                .contains(r#"href="/organisations/police-scotland""#)
    );
    app.teardown().await;
}

async fn an_unknown_organisation_is_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in [
        "/organisations/no-such-body",
        "/organisations/NOT%20A%20CODE",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Page not found"), "{path}");
    }
    app.teardown().await;
}

async fn an_unknown_page_is_404_inside_the_shell(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page not found") && page.body.contains("ds_site-header"));
    app.teardown().await;
}

async fn healthz_reports_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ok = app.get("/healthz").await;
    assert_eq!(ok.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    let expected = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], expected);

    app.db.close().await;
    let down = app.get("/healthz").await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    app.teardown().await;
}

async fn a_database_failure_is_a_500_page_with_only_a_reference(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db.close().await;
    let page = app.get("/organisations").await;
    assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(page
        .body
        .contains("Sorry, there is a problem with the service"));
    assert!(page.body.contains("(reference "), "a reference to quote");
    assert!(
        !page.body.to_lowercase().contains("pool"),
        "no internal detail leaks"
    );
    app.teardown().await;
}

async fn the_dashboard_shows_both_published_baselines_and_their_difference(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("approximately £875m") && body.contains("approximately £250m"));
    assert!(
        body.contains("£1,400m"),
        "cost groups add up to the review's total"
    );
    assert!(body.contains("£1,595m"), "sector figures as reported");
    assert!(
        body.contains("£195m more than the review"),
        "the difference is shown, not hidden"
    );
    assert!(
        body.contains("McClelland review (2011)") && body.contains("Sunday Herald (2014)"),
        "sources"
    );
    app.teardown().await;
}

async fn server_functions_answer_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.get("/api/organisations/list?sector=police-fire").await;
    assert_eq!(response.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(items.iter().all(|o| o["sector"] == "police-fire"));
    assert!(items.iter().any(|o| o["code"] == "fire-scotland"));
    app.teardown().await;
}

async fn seeding_twice_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = app::db::organisations::count(app.db.pool()).await.unwrap();
    let counts = app::services::fixtures::ReferenceData::parse(
        &app::services::fixtures::FixtureFiles::embedded(),
    )
    .unwrap()
    .write(&app.db)
    .await
    .unwrap();
    let after = app::db::organisations::count(app.db.pool()).await.unwrap();
    assert_eq!(before, after);
    assert_eq!(usize::try_from(after).unwrap(), counts.organisations);
    app.teardown().await;
}

on_both_backends!(
    the_home_page_renders_the_design_system_shell,
    the_organisations_page_lists_every_seeded_body,
    the_sector_filter_keeps_only_that_sector,
    the_name_search_is_case_insensitive_and_literal,
    an_unknown_sector_is_a_clear_error,
    an_organisation_page_shows_its_merger,
    an_unknown_organisation_is_404,
    an_unknown_page_is_404_inside_the_shell,
    healthz_reports_the_database,
    a_database_failure_is_a_500_page_with_only_a_reference,
    the_dashboard_shows_both_published_baselines_and_their_difference,
    server_functions_answer_json,
    seeding_twice_changes_nothing,
);
