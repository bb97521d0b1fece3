//! Shared services through the service layer and pages, on SQLite and on PostgreSQL: the
//! catalogue, adoption moving only along its allowed steps, and its saving reaching the savings
//! engine as an initiative.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::{Money, Role};
use app::error::AppError;
use app::services::shared;
use http::StatusCode;
use std::collections::HashMap;
use tests::{form, on_both_backends, test_client, Backend, TestApp};

fn swan() -> HashMap<String, String> {
    form(&[
        ("org", "council-fife"),
        ("service", "swan"),
        ("class", "cash-releasing"),
        ("cost_before", "100000"),
        ("cost_after", "60,000"),
        ("one_off", "50000"),
        ("sites", "120"),
    ])
}

/// SWAN for Fife: £100,000 a year before, £60,000 after, £50,000 to move: £40,000 a year saved
/// from 2014-15, when it went live, until it was exited in 2017-18.
async fn adoption_moves_only_along_allowed_steps_and_its_saving_reaches_the_engine(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let fife = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let front = async {
        let actor = tests::actor(&fife, None);
        shared::front_page(&app.db, &actor).await
    }
    .await
    .unwrap();
    assert_eq!(
        front.services.len(),
        6,
        "the catalogue is seeded from DOMAIN.md §9"
    );
    assert!(
        front.matrix.is_none(),
        "the matrix is for the board and office"
    );
    let id = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    .unwrap();
    let rv = || async {
        async {
            let actor = tests::actor(&fife, None);
            shared::adoptions_page(&app.db, &actor.read_body("council-fife")?).await
        }
        .await
        .unwrap()
        .adoptions[0]
            .row_version
    };
    let step = |stage: &'static str, date: &'static str| {
        let (app, fife) = (&app, &fife);
        async move {
            let rv = async {
                let actor = tests::actor(fife, None);
                shared::adoptions_page(&app.db, &actor.read_body("council-fife")?).await
            }
            .await
            .unwrap()
            .adoptions[0]
                .row_version;
            async {
                let actor = tests::actor(fife, Some(&test_client()));
                shared::move_adoption(
                    &app.db,
                    &actor.write_body("council-fife")?,
                    &shared::Step {
                        id,
                        row_version: rv,
                        stage,
                        date,
                        reason: "",
                    },
                )
                .await
            }
            .await
        }
    };
    match step("live", "2014-09-01").await {
        Err(AppError::Validation { field, message }) => {
            assert_eq!(field, "stage");
            assert_eq!(message, "An adoption cannot move from Considering to Live; from Considering it can move to contracted or abandoned");
        }
        other => panic!("skipping a step must be refused: {other:?}"),
    }
    step("contracted", "2014-02-01").await.unwrap();
    step("migrating", "2014-06-01").await.unwrap();
    match step("live", "2014-01-01").await {
        Err(AppError::Validation { field, message }) => {
            assert_eq!(field, "date");
            assert!(
                message.contains("before the adoption's previous step"),
                "{message}"
            );
        }
        other => panic!("a date before the previous step must be refused: {other:?}"),
    }
    // Issue 15: the migrating date was dropped, so a live date between the contract and the
    // migration was accepted. It is stored, and checked.
    match step("live", "2014-04-01").await {
        Err(AppError::Validation { field, message }) => {
            assert_eq!(field, "date");
            assert!(message.contains("(2014-06-01)"), "{message}");
        }
        other => panic!("a live date before the migration must be refused: {other:?}"),
    }
    let page = async {
        let actor = tests::actor(&fife, None);
        shared::adoptions_page(&app.db, &actor.read_body("council-fife")?).await
    }
    .await
    .unwrap();
    assert_eq!(page.adoptions[0].migrating.as_deref(), Some("2014-06-01"));
    let stale = rv().await - 1;
    assert!(matches!(
        async {
            let actor = tests::actor(&fife, Some(&test_client()));
            shared::move_adoption(
                &app.db,
                &actor.write_body("council-fife")?,
                &shared::Step {
                    id,
                    row_version: stale,
                    stage: "live",
                    date: "2014-09-01",
                    reason: "",
                },
            )
            .await
        }
        .await,
        Err(AppError::Conflict(_))
    ));
    step("live", "2014-09-01").await.unwrap();

    let (recurring, one_off, first, last, service, party, source): (i64, i64, i64, Option<i64>, Option<String>, String, Option<String>) = sqlx::query_as(
        "SELECT recurring_pence, one_off_pence, first_fy, last_fy, service_code, party, source_ref FROM initiatives",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        (recurring, one_off, first, last),
        (4_000_000, 5_000_000, 2014, None)
    );
    assert_eq!(
        (service.as_deref(), party.as_str(), source),
        (Some("swan"), "consumer", Some(format!("adoption:{id}")))
    );
    let summary = async {
        let actor = tests::actor(&board, None);
        app::services::savings::summary(
            &app.db,
            &actor.read_all()?,
            &app::services::savings::SummaryQuery {
                year: Some("2014-15".into()),
                ..Default::default()
            },
        )
        .await
    }
    .await
    .unwrap();
    let cash = summary
        .initiatives
        .iter()
        .find(|c| c.class == "Cash-releasing")
        .unwrap();
    assert_eq!(
        (cash.gross, cash.one_off),
        (
            Money::from_pounds(40_000).unwrap(),
            Money::from_pounds(50_000).unwrap()
        )
    );

    step("exited", "2018-03-31").await.unwrap();
    let last: Option<i64> = sqlx::query_scalar("SELECT last_fy FROM initiatives")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        last,
        Some(2017),
        "the saving ends in the year it was exited"
    );
    match step("live", "2019-01-01").await {
        Err(AppError::Validation { message, .. }) => {
            assert!(message.contains("nothing (it is final)"), "{message}")
        }
        other => panic!("exited is final: {other:?}"),
    }
    let matrix = async {
        let actor = tests::actor(&board, None);
        shared::front_page(&app.db, &actor).await
    }
    .await
    .unwrap()
    .matrix
    .unwrap();
    let fife_row = matrix
        .iter()
        .find(|row| row.code == "council-fife")
        .unwrap();
    assert!(fife_row.stages.contains(&Some("Exited".to_owned())));
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity_type = 'adoption' ORDER BY id",
    )
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec![
            "adoption_recorded",
            "adoption_moved",
            "adoption_moved",
            "adoption_moved",
            "adoption_moved"
        ]
    );
    app.teardown().await;
}

async fn bad_adoption_input_is_refused_and_nothing_is_saved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let fife = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let angus = app
        .user("officer@angus.gov.uk", Role::Officer, &["council-angus"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    let mut bad = swan();
    bad.insert("service".into(), "teleportation".into());
    bad.insert("cost_after".into(), "-1".into());
    bad.insert("users".into(), "many".into());
    match async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &bad).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, vec!["cost_after", "users", "service"]);
            assert!(errors[2].message.contains("not in the catalogue"));
        }
        other => panic!("expected a refused form: {other:?}"),
    }
    assert!(matches!(
        async {
            let actor = tests::actor(&angus, Some(&test_client()));
            shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM adoptions")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
    async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    .unwrap();
    match async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            assert!(errors[0].message.contains("is in progress"))
        }
        other => panic!("a second adoption of one service must be refused: {other:?}"),
    }
    // The catalogue: admins only, codes checked.
    let service = form(&[
        ("code", "Shared Email!"),
        ("name", ""),
        ("description", "x"),
    ]);
    assert!(matches!(
        async {
            let actor = tests::actor(&board, Some(&test_client()));
            shared::save_service(&app.db, &actor.office()?, &service).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    match async {
        let actor = tests::actor(&admin, Some(&test_client()));
        shared::save_service(&app.db, &actor.office()?, &service).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => {
            assert_eq!(
                errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
                vec!["code", "name"]
            );
        }
        other => panic!("expected a refused form: {other:?}"),
    }
    let good = form(&[
        ("code", "shared-payroll"),
        ("name", "Shared payroll"),
        ("description", "Payroll run for several bodies"),
    ]);
    async {
        let actor = tests::actor(&admin, Some(&test_client()));
        shared::save_service(&app.db, &actor.office()?, &good).await
    }
    .await
    .unwrap();
    assert_eq!(
        async {
            let actor = tests::actor(&board, None);
            shared::front_page(&app.db, &actor).await
        }
        .await
        .unwrap()
        .services
        .len(),
        7
    );
    app.teardown().await;
}

async fn the_pages_work_without_javascript(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer_password = app
        .create_user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board_password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let officer = app.login("officer@fife.gov.uk", &officer_password).await;
    let board = app.login("board@gov.scot", &board_password).await;
    let fields: Vec<(String, String)> = swan().into_iter().collect();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = app
        .post_form("/api/shared/record-adoption", &pairs, officer.as_deref())
        .await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{}: {}",
        response.status,
        response.body
    );
    let page = app
        .get_as("/shared-services/council-fife", officer.as_deref())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-stage=\"considering\"")
            && page.body.contains("Move to contracted"),
        "{}",
        page.body
    );
    let front = app.get_as("/shared-services", board.as_deref()).await;
    assert_eq!(front.status, StatusCode::OK);
    assert!(
        front.body.contains("id=\"adoption-matrix\"")
            && front.body.contains("Scottish Wide Area Network")
    );
    assert_eq!(
        app.get("/shared-services").await.status,
        StatusCode::FOUND,
        "signed-in users only"
    );
    app.teardown().await;
}

/// Issue 15: an adoption could not be abandoned before it was live, nor the service taken up
/// again after an exit (one row per body and service). Now abandoning needs a reason and records
/// no saving; a service exited or abandoned is adopted again as a new adoption, the ended one
/// kept as history; and at most one adoption of a service is in progress (the database says so).
async fn an_adoption_is_abandoned_before_live_and_taken_up_again_after_exit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (fife, token) = app
        .signed_in_user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let step = |id: i64, stage: &'static str, date: &'static str, reason: &'static str| {
        let (app, fife) = (&app, &fife);
        async move {
            let rv: i64 = sqlx::query_scalar("SELECT row_version FROM adoptions WHERE id = $1")
                .bind(id)
                .fetch_one(app.db.pool())
                .await
                .unwrap();
            async {
                let actor = tests::actor(fife, Some(&test_client()));
                shared::move_adoption(
                    &app.db,
                    &actor.write_body("council-fife")?,
                    &shared::Step {
                        id,
                        row_version: rv,
                        stage,
                        date,
                        reason,
                    },
                )
                .await
            }
            .await
        }
    };
    let first = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    .unwrap();
    step(first, "contracted", "2014-02-01", "").await.unwrap();
    match step(first, "abandoned", "2014-03-01", " ").await {
        Err(AppError::Form { errors, values }) => {
            assert_eq!(errors[0].field, "reason");
            assert!(values.contains(&("id".to_owned(), first.to_string())));
        }
        other => panic!("abandoning needs a reason: {other:?}"),
    }
    step(
        first,
        "abandoned",
        "2014-03-01",
        "The supplier withdrew the framework",
    )
    .await
    .unwrap();
    let initiatives: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM initiatives")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(initiatives, 0, "never live: no saving recorded");
    let page = async {
        let actor = tests::actor(&fife, None);
        shared::adoptions_page(&app.db, &actor.read_body("council-fife")?).await
    }
    .await
    .unwrap();
    assert_eq!(page.adoptions[0].stage, "abandoned");
    assert_eq!(page.adoptions[0].abandoned.as_deref(), Some("2014-03-01"));
    assert_eq!(
        page.adoptions[0].abandoned_reason.as_deref(),
        Some("The supplier withdrew the framework")
    );
    assert!(
        page.services.iter().any(|(c, _)| c == "swan"),
        "offered again"
    );
    // An abandoned adoption is final.
    assert!(matches!(
        step(first, "contracted", "2014-04-01", "").await,
        Err(AppError::Validation { .. })
    ));

    // Taken up again: a new adoption, the abandoned one kept as history.
    let second = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    .unwrap();
    assert_ne!(second, first);
    // Only one in progress: a third is refused while the second is.
    match async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    {
        Err(AppError::Form { errors, .. }) => assert_eq!(errors[0].field, "service"),
        other => panic!("a second adoption in progress must be refused: {other:?}"),
    }
    let duplicate = sqlx::query(
        "INSERT INTO adoptions (org_id, service_code, stage, cost_before_pence, cost_after_pence,
                                one_off_pence, class, created_at, updated_at)
         SELECT org_id, service_code, 'considering', 0, 0, 0, class, 0, 0 FROM adoptions WHERE id = $1",
    )
    .bind(second)
    .execute(app.db.pool())
    .await;
    assert!(
        duplicate.is_err(),
        "the database refuses two adoptions in progress"
    );
    for (stage, date) in [
        ("contracted", "2015-02-01"),
        ("migrating", "2015-03-01"),
        ("live", "2015-06-01"),
    ] {
        step(second, stage, date, "").await.unwrap();
    }
    assert!(
        matches!(
            step(second, "abandoned", "2015-07-01", "Too late").await,
            Err(AppError::Validation { .. })
        ),
        "a live adoption is exited, not abandoned"
    );
    step(second, "exited", "2017-03-31", "").await.unwrap();
    let third = async {
        let actor = tests::actor(&fife, Some(&test_client()));
        shared::record_adoption(&app.db, &actor.write_body("council-fife")?, &swan()).await
    }
    .await
    .unwrap();
    let page = async {
        let actor = tests::actor(&fife, None);
        shared::adoptions_page(&app.db, &actor.read_body("council-fife")?).await
    }
    .await
    .unwrap();
    assert_eq!(page.adoptions.len(), 1);
    assert_eq!(
        (page.adoptions[0].id, page.adoptions[0].stage.as_str()),
        (third, "considering")
    );
    let history: Vec<(i64, &str)> = page
        .history
        .iter()
        .map(|a| (a.id, a.stage.as_str()))
        .collect();
    assert_eq!(history, vec![(first, "abandoned"), (second, "exited")]);
    // The saving of the second take-up, from its own source, ended at its exit.
    let saving: (String, i64, Option<i64>) =
        sqlx::query_as("SELECT source_ref, first_fy, last_fy FROM initiatives")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(saving, (format!("adoption:{second}"), 2015, Some(2016)));
    // The matrix shows where the body is now.
    let matrix = async {
        let actor = tests::actor(&board, None);
        shared::front_page(&app.db, &actor).await
    }
    .await
    .unwrap()
    .matrix
    .unwrap();
    let row = matrix.iter().find(|r| r.code == "council-fife").unwrap();
    assert!(row.stages.contains(&Some("Considering".to_owned())));
    assert!(!row.stages.contains(&Some("Exited".to_owned())));
    let html = app
        .get_as("/shared-services/council-fife", Some(&token))
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains(r#"id="adoption-history""#));
    assert!(html.body.contains("The supplier withdrew the framework"));
    assert!(html.body.contains(&format!(r#"id="abandon-{third}""#)));
    let abandoned: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'adoption_abandoned'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert_eq!(abandoned, 1);
    app.teardown().await;
}

on_both_backends!(
    an_adoption_is_abandoned_before_live_and_taken_up_again_after_exit,
    adoption_moves_only_along_allowed_steps_and_its_saving_reaches_the_engine,
    bad_adoption_input_is_refused_and_nothing_is_saved,
    the_pages_work_without_javascript,
);
