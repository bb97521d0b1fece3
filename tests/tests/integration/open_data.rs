//! Open data and the OpenAPI document, through the router on SQLite and PostgreSQL: datasets
//! readable anonymously only once the programme office publishes them, their figures equal to
//! the savings engine's, suppressed data-centre fields never served, and every REST endpoint
//! described in `/api/v1/openapi.json`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use app::error::AppError;
use app::services::{open_data, savings};
use http::StatusCode;
use rust_decimal::Decimal;
use tests::{on_both_backends, test_client, Backend, TestApp};

fn column_total(csv: &str, column: &str) -> Decimal {
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let index = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("column {column}"));
    reader
        .records()
        .map(|r| r.unwrap().get(index).unwrap().to_owned())
        .filter(|c| !c.is_empty())
        .map(|c| c.parse::<Decimal>().unwrap())
        .sum()
}

async fn published_datasets_are_open_to_anyone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, admin_token) = app.signed_in_user("admin@gov.scot", Role::Admin, &[]).await;
    app::services::demo::seed(&app.db, admin.id).await.unwrap();
    app::services::demo_estate::seed(&app.db, admin.id)
        .await
        .unwrap();
    let (officer, officer_token) = app
        .signed_in_user("morag@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;

    // Nothing is published yet: anonymous callers and officers see nothing; the office can
    // check a dataset before publishing it.
    let list = app.get("/api/v1/open").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(r#""datasets":[]"#), "{}", list.body);
    for token in [None, Some(officer_token.as_str())] {
        let r = app.get_as("/api/v1/open/savings", token).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        assert!(r.body.contains("not published"));
    }
    let preview = app.get_as("/api/v1/open/savings", Some(&admin_token)).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains(r#""published":false"#));

    // Only the office publishes, and each change is audited.
    let client = test_client();
    assert!(matches!(
        async {
            let actor = tests::actor(&officer, Some(&client));
            open_data::set_published(&app.db, &actor.office()?, "savings", true).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        async {
            let actor = tests::actor(&admin, Some(&client));
            open_data::set_published(&app.db, &actor.office()?, "everything", true).await
        }
        .await,
        Err(AppError::NotFound(_))
    ));
    for name in ["savings", "spend", "data-centres"] {
        async {
            let actor = tests::actor(&admin, Some(&client));
            open_data::set_published(&app.db, &actor.office()?, name, true).await
        }
        .await
        .unwrap();
    }
    let audited: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'open_data_published'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 3);

    // Anonymous now: JSON and CSV, with the savings engine's figures.
    let list = app.get("/api/v1/open").await;
    for name in ["savings", "spend", "data-centres"] {
        assert!(
            list.body.contains(&format!(r#""name":"{name}""#)),
            "{}",
            list.body
        );
    }
    assert!(!list.body.contains(r#""name":"adoption""#));
    let json = app.get("/api/v1/open/savings").await;
    assert_eq!(json.status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(value["published"], serde_json::json!(true));
    // Issue 14: the data carries its licence (OGL v3.0; the software stays MIT) and its labels:
    // illustrative targets, synthetic demo data, what each year covers.
    assert_eq!(
        value["licence"]["name"],
        serde_json::json!("Open Government Licence v3.0")
    );
    let notes = value["notes"].to_string();
    assert!(notes.contains("illustrative"), "{notes}");
    assert!(notes.contains("Synthetic demo data"), "{notes}");
    assert!(
        value["rows"][0]["bodies_answering"].is_string(),
        "{}",
        value["rows"][0]
    );
    let csv = app.get("/api/v1/open/savings?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    for response in [&json, &csv] {
        let link = response.headers[http::header::LINK].to_str().unwrap();
        assert!(
            link.contains("open-government-licence/version/3") && link.contains(r#"rel="license""#),
            "{link}"
        );
    }
    assert!(csv
        .body
        .lines()
        .next()
        .unwrap()
        .ends_with("bodies_answering,share_of_review_baseline"));
    assert!(csv.headers[http::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let summary = async {
        let actor = tests::actor(&admin, None);
        savings::summary(
            &app.db,
            &actor.read_all()?,
            &savings::SummaryQuery::default(),
        )
        .await
    }
    .await
    .unwrap();
    let saved: Decimal = summary
        .years
        .iter()
        .filter(|y| y.bodies_counted > 0)
        .map(|y| y.saving.as_decimal())
        .sum();
    assert_eq!(column_total(&csv.body, "saving_gbp"), saved);
    assert!(saved > Decimal::ZERO);
    // Aggregated returns: a year's spend adds up to the counted spend of the savings summary.
    let spend = app.get("/api/v1/open/spend?format=csv").await;
    let y2013 = summary
        .years
        .iter()
        .find(|y| y.year.to_string() == "2013-14")
        .unwrap();
    let mut reader = ::csv::Reader::from_reader(spend.body.as_bytes());
    let total_2013: Decimal = reader
        .records()
        .map(Result::unwrap)
        .filter(|r| r.get(0) == Some("2013-14"))
        .map(|r| r.get(3).unwrap().parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(total_2013, y2013.actual.as_decimal());
    // The REST API's savings as CSV for the board and office, the same table.
    let rest = app
        .get_as("/api/v1/savings?format=csv", Some(&admin_token))
        .await;
    assert_eq!(rest.status, StatusCode::OK);
    assert_eq!(column_total(&rest.body, "saving_gbp"), saved);

    // Suppressed fields never leave the server: the test router suppresses postcodes.
    let sites = app.get("/api/v1/open/data-centres").await;
    assert_eq!(sites.status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&sites.body).unwrap();
    let rows = value["rows"].as_array().unwrap();
    assert!(rows.len() > 60);
    assert!(rows
        .iter()
        .all(|r| r.get("postcode").is_none() && r.get("running_cost_gbp").is_some()));
    assert_eq!(value["suppressed"], serde_json::json!(["postcode"]));
    let table = open_data::dataset(
        &app.db,
        None,
        "data-centres",
        &["costs".to_owned(), "energy".to_owned()],
    )
    .await
    .unwrap();
    assert!(table.columns.contains(&"postcode".to_owned()));
    for hidden in ["running_cost_gbp", "total_energy_kwh", "it_energy_kwh"] {
        assert!(!table.columns.contains(&hidden.to_owned()), "{hidden}");
    }
    assert!(table.rows.iter().all(|r| r.len() == table.columns.len()));

    // Withdrawn: closed again.
    async {
        let actor = tests::actor(&admin, Some(&client));
        open_data::set_published(&app.db, &actor.office()?, "savings", false).await
    }
    .await
    .unwrap();
    assert_eq!(
        app.get("/api/v1/open/savings").await.status,
        StatusCode::NOT_FOUND
    );
    app.teardown().await;
}

async fn the_openapi_document_describes_every_rest_endpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = app.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let value: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    assert!(value["openapi"].as_str().unwrap().starts_with("3."));
    let paths = value["paths"].as_object().unwrap();
    for path in [
        "/api/v1/returns",
        "/api/v1/savings",
        "/api/v1/savings/{org}/{fy}/calculation",
        "/api/v1/data-centres",
        "/api/v1/adoptions",
        "/api/v1/open",
        "/api/v1/open/{dataset}",
        "/api/v1/openapi.json",
    ] {
        let get = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is described"))["get"];
        assert!(get["responses"]["200"].is_object(), "{path}");
        assert!(get["summary"].is_string(), "{path}");
    }
    assert_eq!(paths.len(), 8, "no route described that is not served");
    let params: Vec<&str> = paths["/api/v1/savings"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(
        params.contains(&"basis") && params.contains(&"format"),
        "{params:?}"
    );
    assert!(value["components"]["schemas"]["ErrorBody"].is_object());
    let description = value["info"]["description"].as_str().unwrap();
    assert!(
        description.contains("MIT") && description.contains("Open Government Licence v3.0"),
        "which licence is which: {description}"
    );
    // An error really has the documented shape.
    let error = app.get("/api/v1/savings").await;
    assert_eq!(error.status, StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = serde_json::from_str(&error.body).unwrap();
    assert!(
        body["error"].is_string() && body["message"].is_string(),
        "{body}"
    );
    app.teardown().await;
}

on_both_backends!(
    published_datasets_are_open_to_anyone,
    the_openapi_document_describes_every_rest_endpoint,
);
