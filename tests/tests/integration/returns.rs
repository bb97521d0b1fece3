//! Spend returns through the service layer, on SQLite and on PostgreSQL (pages come next).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::spend_line::LineInput;
use app::domain::{FinancialYear, ReturnAction, ReturnStatus, Role, SpendCategory};
use app::error::AppError;
use app::services::returns;
use tests::{on_both_backends, test_client, Backend, TestApp};

fn key(org_code: &str) -> returns::ReturnRef<'_> {
    returns::ReturnRef { org_code, fy: fy() }
}

fn fy() -> FinancialYear {
    "2013-14".parse().unwrap()
}

fn lines(hardware: &str, energy: &str) -> Vec<app::domain::spend_line::SpendLine> {
    returns::parse_lines(&[
        (
            SpendCategory::Hardware,
            LineInput {
                capital: hardware,
                revenue: "1000",
                ..LineInput::default()
            },
        ),
        (
            SpendCategory::Energy,
            LineInput {
                revenue: energy,
                ..LineInput::default()
            },
        ),
        (
            SpendCategory::StaffCost,
            LineInput {
                revenue: "250000",
                fte: "5.5",
                ..LineInput::default()
            },
        ),
    ])
    .unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE entity_type = 'return' ORDER BY id")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
}

async fn a_return_goes_from_draft_to_approved_and_is_restated_as_version_2(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let c = test_client();

    let draft = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key("council-fife");
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    assert_eq!((draft.version, draft.status), (1, ReturnStatus::Draft));
    let saved = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key("council-fife");
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            draft.row_version,
            &lines("5000", "20000.50").into(),
            &[],
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(saved.lines.len(), 3);
    assert_eq!(
        saved
            .lines
            .iter()
            .find(|l| l.category == SpendCategory::StaffCost)
            .and_then(|l| l.fte)
            .map(|f| f.to_string()),
        Some("5.50".into()),
        "FTE kept exactly"
    );
    let submitted = async {
        let actor = tests::actor(&officer, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key("council-fife"),
            saved.row_version,
            ReturnAction::Submit,
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(submitted.status, ReturnStatus::Submitted);
    let no_reason = async {
        let actor = tests::actor(&board, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key("council-fife"),
            submitted.row_version,
            ReturnAction::SendBack,
            None,
        )
        .await
    }
    .await;
    assert!(matches!(no_reason, Err(AppError::Validation { ref field, .. }) if field == "reason"));
    let back = async {
        let actor = tests::actor(&board, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key("council-fife"),
            submitted.row_version,
            ReturnAction::SendBack,
            Some("Energy looks doubled"),
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(
        (back.status, back.returned_reason.as_deref()),
        (ReturnStatus::Returned, Some("Energy looks doubled"))
    );
    let fixed = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key("council-fife");
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            back.row_version,
            &lines("5000", "10000").into(),
            &[],
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(fixed.status, ReturnStatus::Draft);
    let again = async {
        let actor = tests::actor(&officer, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key("council-fife"),
            fixed.row_version,
            ReturnAction::Submit,
            None,
        )
        .await
    }
    .await
    .unwrap();
    let approved = async {
        let actor = tests::actor(&board, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key("council-fife"),
            again.row_version,
            ReturnAction::Approve,
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!(approved.status, ReturnStatus::Approved);

    let locked = async {
        let actor = tests::actor(&officer, Some(&c));
        let key = &key("council-fife");
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            approved.row_version,
            &lines("1", "1").into(),
            &[],
        )
        .await
    }
    .await;
    assert!(
        matches!(locked, Err(AppError::Conflict(_))),
        "an approved return is locked: {locked:?}"
    );

    let v2 = async {
        let actor = tests::actor(&officer, Some(&c));
        returns::act(
            &app.db,
            &actor,
            &key("council-fife"),
            approved.row_version,
            ReturnAction::Restate,
            None,
        )
        .await
    }
    .await
    .unwrap();
    assert_eq!((v2.version, v2.status), (2, ReturnStatus::Draft));
    assert_eq!(
        v2.lines, approved.lines,
        "the restatement starts from the approved figures"
    );
    let v1: (String, i64) =
        sqlx::query_as("SELECT status, row_version FROM spend_returns WHERE version = 1")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(
        v1,
        ("approved".to_owned(), approved.row_version),
        "version 1 is kept as approved"
    );
    assert_eq!(
        audit_actions(&app).await,
        vec![
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
    app.teardown().await;
}

async fn a_stale_save_is_a_conflict_and_loses_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app
        .user("one@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let second = app
        .user("two@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let c = test_client();
    let opened = async {
        let actor = tests::actor(&first, Some(&c));
        let key = &key("council-fife");
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    let also_opened = async {
        let actor = tests::actor(&second, Some(&c));
        let key = &key("council-fife");
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    assert_eq!(opened.row_version, also_opened.row_version);
    let saved = async {
        let actor = tests::actor(&first, Some(&c));
        let key = &key("council-fife");
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            opened.row_version,
            &lines("111", "222").into(),
            &[],
        )
        .await
    }
    .await
    .unwrap();
    let stale = async {
        let actor = tests::actor(&second, Some(&c));
        let key = &key("council-fife");
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            also_opened.row_version,
            &lines("999", "999").into(),
            &[],
        )
        .await
    }
    .await;
    assert!(
        matches!(stale, Err(AppError::Conflict(ref m)) if m.contains("one@fife.gov.uk changed this return after you opened it") && m.contains("(you entered)")),
        "{stale:?}"
    );
    let now = async {
        let actor = tests::actor(&second, None);
        let key = &key("council-fife");
        returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    assert_eq!(now.lines, saved.lines, "the first officer's figures stand");
    app.teardown().await;
}

async fn bad_lines_name_their_fields_and_only_members_may_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let fife = app
        .user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let angus = app
        .user("officer@angus.gov.uk", Role::Officer, &["council-angus"])
        .await;
    let board = app.user("board@gov.scot", Role::Board, &[]).await;
    let c = test_client();
    let bad = returns::parse_lines(&[
        (
            SpendCategory::Hardware,
            LineInput {
                capital: "12a",
                revenue: "1.234",
                ..LineInput::default()
            },
        ),
        (
            SpendCategory::Software,
            LineInput {
                capital: "99999999999",
                ..LineInput::default()
            },
        ),
        (
            SpendCategory::Energy,
            LineInput {
                capital: "-1",
                ..LineInput::default()
            },
        ),
    ]);
    let Err(AppError::Fields(problems)) = bad else {
        panic!("expected field errors, got {bad:?}")
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "hardware-capital",
            "hardware-revenue",
            "software-capital",
            "energy-capital"
        ]
    );

    let opened = async {
        let actor = tests::actor(&fife, Some(&c));
        let key = &key("council-fife");
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    assert!(matches!(
        async {
            let actor = tests::actor(&angus, Some(&c));
            let key = &key("council-fife");
            returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        async {
            let actor = tests::actor(&angus, None);
            let key = &key("council-fife");
            returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let other = async {
        let actor = tests::actor(&angus, Some(&c));
        let key = &key("council-fife");
        returns::save_lines(
            &app.db,
            &actor.write_body(key.org_code)?,
            key.fy,
            opened.row_version,
            &lines("1", "1").into(),
            &[],
        )
        .await
    }
    .await;
    assert!(matches!(other, Err(AppError::Forbidden)));
    assert!(
        async {
            let actor = tests::actor(&board, None);
            let key = &key("council-fife");
            returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
        }
        .await
        .is_ok(),
        "the board reads every body"
    );
    assert!(matches!(
        async {
            let actor = tests::actor(&board, Some(&c));
            let key = &key("council-fife");
            returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    assert!(matches!(
        async {
            let actor = tests::actor(&fife, Some(&c));
            let key = &key("council-atlantis");
            returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
        }
        .await,
        Err(AppError::Forbidden)
    ));
    let lines_saved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM spend_return_lines")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(lines_saved, 0, "nothing was written by the refused calls");
    assert!(
        "2099-00".parse::<FinancialYear>().is_err(),
        "a year out of range never reaches the service"
    );
    app.teardown().await;
}

on_both_backends!(
    a_return_goes_from_draft_to_approved_and_is_restated_as_version_2,
    a_stale_save_is_a_conflict_and_loses_nothing,
    bad_lines_name_their_fields_and_only_members_may_write,
);
