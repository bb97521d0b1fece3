//! Backups: a copy of the SQLite database taken while officers keep saving is consistent and
//! restores to a database that passes the same checks; PostgreSQL is pointed at pg_dump.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::db::Db;
use app::domain::spend_line::{LineInput, SpendLine};
use app::domain::{Role, SpendCategory};
use app::model::CurrentUser;
use app::services::auth::Client;
use app::services::returns::{self, ReturnRef};
use tests::{Backend, TestApp};

async fn officer(app: &TestApp) -> CurrentUser {
    app.create_user("morag@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind("morag@fife.gov.uk")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    app::db::users::current_user(app.db.pool(), id)
        .await
        .unwrap()
        .unwrap()
}

fn key() -> ReturnRef<'static> {
    ReturnRef {
        org_code: "council-fife",
        fy: "2013-14".parse().unwrap(),
    }
}

fn lines(n: usize) -> Vec<SpendLine> {
    let amount = format!("{}", 1000 + n);
    returns::parse_lines(&[
        (
            SpendCategory::Hardware,
            LineInput {
                capital: &amount,
                ..LineInput::default()
            },
        ),
        (
            SpendCategory::Software,
            LineInput {
                revenue: &amount,
                ..LineInput::default()
            },
        ),
    ])
    .unwrap()
}

/// The checks a restored database must pass: integrity and foreign keys, and the return agrees
/// with its audit trail (its lines are the last saved ones, one row version per save).
async fn assert_consistent(db: &Db, user: &CurrentUser) -> usize {
    db.check().await.expect("integrity and foreign keys hold");
    let view = async {
        let actor = tests::actor(user, None);
        let key = &key();
        returns::get(db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .expect("the return reads back");
    let saves: Vec<String> = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE action = 'return_lines_saved' ORDER BY id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        view.row_version,
        1 + i64::try_from(saves.len()).unwrap(),
        "one row version per audited save"
    );
    let last: Vec<SpendLine> = serde_json::from_str(saves.last().expect("some saves")).unwrap();
    assert_eq!(view.lines, last, "the lines are the last audited ones");
    saves.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_to_a_consistent_database() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let user = officer(&app).await;
    let client = Client {
        addr: "test".into(),
    };
    async {
        let actor = tests::actor(&user, Some(&client));
        let key = &key();
        returns::open(&app.db, &actor.write_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (db, user, client, stop) = (app.db.clone(), user.clone(), client.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let current = async {
                    let actor = tests::actor(&user, None);
                    let key = &key();
                    returns::get(&db, &actor.read_body(key.org_code)?, key.fy).await
                }
                .await
                .unwrap();
                async {
                    let actor = tests::actor(&user, Some(&client));
                    let key = &key();
                    returns::save_lines(
                        &db,
                        &actor.write_body(key.org_code)?,
                        key.fy,
                        current.row_version,
                        &lines(n).into(),
                        &[],
                    )
                    .await
                }
                .await
                .unwrap();
                n += 1;
            }
            n
        })
    };
    // Back up once the writer is well under way, while it keeps writing.
    loop {
        let saved: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'return_lines_saved'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        if saved >= 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let report = app
        .db
        .backup_to(&copy)
        .await
        .expect("the backup is written");
    let at_backup: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'return_lines_saved'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    // Let the writer go on a little after the backup, then stop it.
    loop {
        let saved: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'return_lines_saved'",
        )
        .fetch_one(app.db.pool())
        .await
        .unwrap();
        if saved >= at_backup + 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.await.unwrap();
    assert_eq!(report.organisations, 204);
    assert_eq!(report.returns, 1);

    let restored = Db::connect(&format!("sqlite://{}", copy.display()), 2)
        .await
        .unwrap();
    restored
        .migrate()
        .await
        .expect("the copy is at the current schema");
    let in_copy = assert_consistent(&restored, &user).await;
    let in_original = assert_consistent(&app.db, &user).await;
    assert_eq!(in_original, written);
    assert!(
        in_copy >= 10 && in_copy < in_original,
        "the copy is a snapshot from mid-way ({in_copy} of {in_original} saves)"
    );
    // The restored database takes new writes.
    let current = async {
        let actor = tests::actor(&user, None);
        let key = &key();
        returns::get(&restored, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&user, Some(&client));
        let key = &key();
        returns::save_lines(
            &restored,
            &actor.write_body(key.org_code)?,
            key.fy,
            current.row_version,
            &lines(999).into(),
            &[],
        )
        .await
    }
    .await
    .unwrap();
    assert_consistent(&restored, &user).await;
    restored.close().await;
    app.teardown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_backups_are_left_to_pg_dump() {
    let app = TestApp::spawn_empty(Backend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    let error = app
        .db
        .backup_to(&dir.path().join("x.db"))
        .await
        .expect_err("not for PostgreSQL");
    assert!(error.to_string().contains("pg_dump"), "{error}");
    app.teardown().await;
}
