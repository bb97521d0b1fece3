//! The data version and the per-instance cache of computed pages (ADR 0009), on SQLite and
//! PostgreSQL: every table is either moved by the version's triggers or named here as
//! untracked; a change made through one server instance is seen by another's next request;
//! the cache keeps one result per key and version, computes it once for concurrent requests,
//! never keeps an error (nor room for it), and forgets the oldest result first.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::db::cache::{data_version, ReadCache};
use app::db::{Backend as DbBackend, DbError};
use app::domain::{ReturnAction, Role};
use app::model::dashboard::DashboardQuery;
use app::services::{dashboard, returns};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tests::{on_both_backends, test_client, Backend, TestApp};

/// Tables no page computes from (or derived in the transaction of a tracked change): a write
/// to them leaves the data version alone. A new table must be tracked or added here.
const UNTRACKED: &[&str] = &[
    "audit_log",
    "board_packs",
    "data_version",
    "form_drafts",
    "import_uploads",
    "initiative_versions",
    "login_throttle",
    "open_data_publications",
    "savings_body_years",
    "savings_facts",
    "savings_sector_facts",
    "sessions",
];

async fn strings(app: &TestApp, sql: &str) -> BTreeSet<String> {
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(app.db.pool()).await.unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

async fn every_table_is_tracked_or_named_untracked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (tables, triggered) = match app.db.backend() {
        DbBackend::Sqlite => (
            strings(
                &app,
                "SELECT name FROM sqlite_master WHERE type = 'table'
                   AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
            )
            .await,
            strings(
                &app,
                "SELECT tbl_name || ' ' || name FROM sqlite_master WHERE type = 'trigger'",
            )
            .await,
        ),
        DbBackend::Postgres => (
            strings(
                &app,
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
                  WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
            )
            .await,
            strings(
                &app,
                "SELECT DISTINCT CAST(event_object_table AS TEXT) || ' ' || CAST(event_manipulation AS TEXT)
                   FROM information_schema.triggers WHERE action_statement LIKE '%bump_data_version%'",
            )
            .await,
        ),
    };
    assert!(tables.contains("spend_returns") && tables.contains("data_version"));
    for table in &tables {
        let tracked = !UNTRACKED.contains(&table.as_str());
        for event in ["insert", "update", "delete"] {
            let wanted = match app.db.backend() {
                DbBackend::Sqlite => format!("{table} data_version_{table}_{event}"),
                DbBackend::Postgres => format!("{table} {}", event.to_uppercase()),
            };
            assert_eq!(
                triggered.contains(&wanted),
                tracked,
                "{table}: a trigger moving the data version on {event} (tracked: {tracked})"
            );
        }
    }

    // A change moves the version, in its own transaction; signing in does not.
    let before = data_version(app.db.pool()).await.unwrap();
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO gdp_deflators (fy_start, index_value, release, verified)
         VALUES (1990, '50', 'test', 0)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        data_version(app.db.pool()).await.unwrap(),
        before,
        "not before commit"
    );
    tx.commit().await.unwrap();
    assert!(data_version(app.db.pool()).await.unwrap() > before);
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let created = data_version(app.db.pool()).await.unwrap();
    assert!(app
        .login("board@gov.scot", "wrong password")
        .await
        .is_none());
    assert!(app.login("board@gov.scot", &password).await.is_some());
    assert_eq!(
        data_version(app.db.pool()).await.unwrap(),
        created,
        "sessions, throttling and the audit log are not tracked"
    );
    app.teardown().await;
}

async fn another_instance_sees_a_change_with_its_next_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("admin@gov.scot", Role::Admin, &[]).await;
    app::services::demo::seed(&app.db, admin.id).await.unwrap();
    let (board, _) = app.signed_in_user("board@gov.scot", Role::Board, &[]).await;
    let (_, second) = app.second_instance().await;
    let q = DashboardQuery {
        sector: Some("local-government".into()),
        ..DashboardQuery::default()
    };
    let first = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&second, &actor.read_all()?, &q).await
    }
    .await
    .unwrap();
    let kept = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&second, &actor.read_all()?, &q).await
    }
    .await
    .unwrap();
    assert!(
        Arc::ptr_eq(&first, &kept),
        "the second request is served from the cache"
    );
    assert!(!second.cache().is_empty());

    // The board sends Fife's 2016-17 return back through the first instance.
    let key = returns::ReturnRef {
        org_code: "council-fife",
        fy: "2016-17".parse().unwrap(),
    };
    let current = async {
        let actor = tests::actor(&board, None);
        let key = &key;
        returns::get(&app.db, &actor.read_body(key.org_code)?, key.fy).await
    }
    .await
    .unwrap();
    async {
        let actor = tests::actor(&board, Some(&test_client()));
        returns::act(
            &app.db,
            &actor,
            &key,
            current.row_version,
            ReturnAction::SendBack,
            Some("Please check the hardware line"),
        )
        .await
    }
    .await
    .unwrap();
    // The sector sums moved with the body's facts, in the same transaction.
    let mut conn = app.db.pool().acquire().await.unwrap();
    let from_facts = app::db::savings::sector_sums(&mut conn, true)
        .await
        .unwrap();
    assert!(!from_facts.is_empty());
    assert_eq!(
        app::db::savings::sector_sums(&mut conn, false)
            .await
            .unwrap(),
        from_facts
    );
    // A rebuild of the whole read model gives the same sums.
    drop(conn);
    app::services::savings::refresh_all(&app.db).await.unwrap();
    let mut conn = app.db.pool().acquire().await.unwrap();
    assert_eq!(
        app::db::savings::sector_sums(&mut conn, false)
            .await
            .unwrap(),
        from_facts
    );
    drop(conn);
    let fresh = async {
        let actor = tests::actor(&board, None);
        dashboard::programme(&second, &actor.read_all()?, &q).await
    }
    .await
    .unwrap();
    assert!(!Arc::ptr_eq(&first, &fresh));
    assert_ne!(fresh.body_html, first.body_html, "the figures moved");
    assert_eq!(
        *fresh,
        *async {
            let actor = tests::actor(&board, None);
            dashboard::programme(&app.db, &actor.read_all()?, &q).await
        }
        .await
        .unwrap(),
        "both instances show the same"
    );
    app.teardown().await;
}

async fn the_cache_computes_once_keeps_no_error_and_forgets_the_oldest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pool = app.db.pool().clone();
    let cache = Arc::new(ReadCache::new(2));
    let runs = Arc::new(AtomicUsize::new(0));
    let slow = |value: u32| {
        let runs = runs.clone();
        move || async move {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            Ok::<u32, DbError>(value)
        }
    };
    // Eight concurrent requests for one key: one computation.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (cache, pool, compute) = (cache.clone(), pool.clone(), slow(7));
        tasks.push(tokio::spawn(async move {
            *cache.get_or_compute(&pool, "a", compute).await.unwrap()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 7);
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1);

    // An error is returned, not kept.
    let failed = cache
        .get_or_compute(&pool, "b", || async {
            Err::<u32, DbError>(DbError::Corrupt("on purpose".into()))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(cache.len(), 1, "a failed computation takes no room");
    assert_eq!(*cache.get_or_compute(&pool, "b", slow(8)).await.unwrap(), 8);
    assert_eq!(runs.load(Ordering::SeqCst), 2);

    // Capacity 2: a third key forgets the oldest ("a").
    assert_eq!(*cache.get_or_compute(&pool, "c", slow(9)).await.unwrap(), 9);
    assert_eq!(cache.len(), 2);
    assert_eq!(
        *cache.get_or_compute(&pool, "a", slow(10)).await.unwrap(),
        10
    );
    assert_eq!(runs.load(Ordering::SeqCst), 4);

    // A change to the data empties it.
    sqlx::query("INSERT INTO gdp_deflators (fy_start, index_value, release, verified) VALUES (1990, '50', 'test', 0)")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        *cache.get_or_compute(&pool, "a", slow(11)).await.unwrap(),
        11
    );
    assert_eq!(cache.len(), 1);
    app.teardown().await;
}

on_both_backends!(
    every_table_is_tracked_or_named_untracked,
    another_instance_sees_a_change_with_its_next_request,
    the_cache_computes_once_keeps_no_error_and_forgets_the_oldest,
);
