//! The programme office manages accounts through the real endpoints, on both backends.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use http::StatusCode;
use tests::{on_both_backends, Backend, TestApp};

/// A form, the status it must get, and words the answer must contain.
type Case<'a> = (&'a [(&'a str, &'a str)], StatusCode, &'a str);

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn signed_in_admin(app: &TestApp) -> String {
    let password = app.create_user("admin@gov.scot", Role::Admin, &[]).await;
    app.login("admin@gov.scot", &password).await.unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn an_admin_creates_an_account_that_can_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    let form = [
        ("email", "Kirsty@Angus.gov.uk"),
        ("name", "Kirsty Finance"),
        ("role", "officer"),
        ("organisations", "council-angus, nhs-tayside"),
        ("password", "a good long initial password"),
    ];
    let response = app
        .post_form("/api/admin/create-user", &form, Some(&admin))
        .await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{}: {}",
        response.status,
        response.body
    );
    let token = app
        .login("kirsty@angus.gov.uk", "a good long initial password")
        .await
        .expect("the new account signs in");
    let me = app.get_as("/api/auth/me", Some(&token)).await.body;
    assert!(
        me.contains("council-angus") && me.contains("nhs-tayside") && me.contains("Kirsty Finance"),
        "{me}"
    );
    let audit: (Option<String>, Option<String>) =
        sqlx::query_as("SELECT actor_email, after_json FROM audit_log WHERE action = 'user_created' AND entity_id = $1")
            .bind(user_id(&app, "kirsty@angus.gov.uk").await.to_string())
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert_eq!(audit.0.as_deref(), Some("admin@gov.scot"));
    let after = audit.1.unwrap();
    assert!(
        after.contains("council-angus") && !after.contains("initial password"),
        "{after}"
    );
    app.teardown().await;
}

async fn bad_account_details_name_the_field_and_save_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    let users_before = count(&app, "SELECT COUNT(*) FROM users").await;
    let cases: [Case; 6] = [
        (
            &[
                ("email", "not-an-email"),
                ("name", "X"),
                ("role", "board"),
                ("organisations", ""),
                ("password", "long enough password"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "\"field\":\"email\"",
        ),
        (
            &[
                ("email", "x@gov.scot"),
                ("name", "X"),
                ("role", "board"),
                ("organisations", ""),
                ("password", "short"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "\"field\":\"password\"",
        ),
        (
            &[
                ("email", "x@gov.scot"),
                ("name", "X"),
                ("role", "wizard"),
                ("organisations", ""),
                ("password", "long enough password"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "\"field\":\"role\"",
        ),
        (
            &[
                ("email", "x@gov.scot"),
                ("name", "X"),
                ("role", "officer"),
                ("organisations", ""),
                ("password", "long enough password"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "at least one organisation",
        ),
        (
            &[
                ("email", "x@gov.scot"),
                ("name", "X"),
                ("role", "officer"),
                ("organisations", "council-atlantis"),
                ("password", "long enough password"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "council-atlantis",
        ),
        (
            &[
                ("email", "admin@gov.scot"),
                ("name", "X"),
                ("role", "board"),
                ("organisations", ""),
                ("password", "long enough password"),
            ],
            StatusCode::CONFLICT,
            "already exists",
        ),
    ];
    for (form, status, says) in cases {
        let response = app
            .post_form("/api/admin/create-user", form, Some(&admin))
            .await;
        assert_eq!(response.status, status, "{form:?}: {}", response.body);
        assert!(response.body.contains(says), "{form:?}: {}", response.body);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users").await,
        users_before,
        "nothing half-written"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM user_organisations").await,
        0
    );
    app.teardown().await;
}

async fn changing_role_and_organisations_is_audited_before_and_after(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    app.create_user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let id = user_id(&app, "officer@fife.gov.uk").await.to_string();
    let response = app
        .post_form(
            "/api/admin/update-access",
            &[
                ("id", &id),
                ("role", "officer"),
                ("organisations", "council-fife nhs-fife"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'user_access_changed'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    assert!(
        before.contains("council-fife") && !before.contains("nhs-fife"),
        "{before}"
    );
    assert!(after.contains("nhs-fife"), "{after}");
    let refused = app
        .post_form(
            "/api/admin/update-access",
            &[("id", &id), ("role", "officer"), ("organisations", "")],
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM user_organisations").await,
        2,
        "the refused change saved nothing"
    );
    let page = app
        .get_as(&format!("/admin/users/{id}"), Some(&admin))
        .await;
    assert!(page.status == StatusCode::OK && page.body.contains("council-fife, nhs-fife"));
    app.teardown().await;
}

/// Issue 15: the last admin could demote themself, leaving nobody to manage accounts.
async fn the_last_admin_cannot_demote_themself(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    let id = user_id(&app, "admin@gov.scot").await.to_string();
    let demote = [
        ("id", id.as_str()),
        ("role", "board"),
        ("organisations", ""),
    ];
    let refused = app
        .post_form("/api/admin/update-access", &demote, Some(&admin))
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("only enabled admin"),
        "{}",
        refused.body
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE role = 'admin'").await,
        1
    );
    // With a second admin, the first may step down.
    app.create_user("second.admin@gov.scot", Role::Admin, &[])
        .await;
    let done = app
        .post_form("/api/admin/update-access", &demote, Some(&admin))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    app.teardown().await;
}

async fn disabling_an_account_ends_its_sessions_and_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let session = app.login("board@gov.scot", &password).await.unwrap();
    let id = user_id(&app, "board@gov.scot").await.to_string();
    let off = app
        .post_form(
            "/api/admin/set-disabled",
            &[("id", &id), ("disabled", "true")],
            Some(&admin),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(
        app.get_as("/api/auth/me", Some(&session)).await.body,
        "null"
    );
    assert!(app.login("board@gov.scot", &password).await.is_none());
    let on = app
        .post_form(
            "/api/admin/set-disabled",
            &[("id", &id), ("disabled", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    assert!(app.login("board@gov.scot", &password).await.is_some());
    let own = user_id(&app, "admin@gov.scot").await.to_string();
    let itself = app
        .post_form(
            "/api/admin/set-disabled",
            &[("id", &own), ("disabled", "true")],
            Some(&admin),
        )
        .await;
    assert_eq!(
        itself.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an admin cannot lock themself out"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('user_disabled', 'user_enabled')"
        )
        .await,
        2
    );
    app.teardown().await;
}

async fn resetting_a_password_signs_the_person_out_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    let old = app
        .create_user("officer@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let session = app.login("officer@fife.gov.uk", &old).await.unwrap();
    let id = user_id(&app, "officer@fife.gov.uk").await.to_string();
    let short = app
        .post_form(
            "/api/admin/reset-password",
            &[("id", &id), ("password", "short")],
            Some(&admin),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.get_as("/api/auth/me", Some(&session))
            .await
            .body
            .contains("officer@fife.gov.uk"),
        "unchanged"
    );
    let reset = app
        .post_form(
            "/api/admin/reset-password",
            &[("id", &id), ("password", "a brand new password")],
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(
        app.get_as("/api/auth/me", Some(&session)).await.body,
        "null"
    );
    assert!(app.login("officer@fife.gov.uk", &old).await.is_none());
    assert!(app
        .login("officer@fife.gov.uk", "a brand new password")
        .await
        .is_some());
    let audit: String =
        sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'password_reset'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    assert!(!audit.contains("brand new"), "{audit}");
    app.teardown().await;
}

async fn the_audit_log_filters_by_action_actor_and_entity(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = signed_in_admin(&app).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    app.login("board@gov.scot", &password).await.unwrap();
    app.login("board@gov.scot", "wrong password here").await;
    let entries = |query: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let r = app
                .get_as(&format!("/api/admin/audit?{query}"), Some(&admin))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
            serde_json::from_str::<Vec<serde_json::Value>>(&r.body).unwrap()
        }
    };
    let board = entries("actor=BOARD%40gov").await;
    assert_eq!(
        board.len(),
        2,
        "one sign-in and one failed sign-in: {board:?}"
    );
    assert!(board.iter().all(|e| e["actor"] == "board@gov.scot"));
    let failed = entries("action=login_failed").await;
    assert_eq!(failed.len(), 1);
    let users = entries("entity=user").await;
    assert!(
        !users.is_empty()
            && users
                .iter()
                .all(|e| e["entity"].as_str().unwrap().starts_with("user "))
    );
    let both = entries("action=login&actor=admin").await;
    assert_eq!(both.len(), 1, "filters combine: {both:?}");
    let bad = app
        .get_as("/api/admin/audit?action=DROP%20TABLE", Some(&admin))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("\"field\":\"action\""), "{}", bad.body);
    app.teardown().await;
}

on_both_backends!(
    the_audit_log_filters_by_action_actor_and_entity,
    an_admin_creates_an_account_that_can_sign_in,
    bad_account_details_name_the_field_and_save_nothing,
    changing_role_and_organisations_is_audited_before_and_after,
    the_last_admin_cannot_demote_themself,
    disabling_an_account_ends_its_sessions_and_sign_in,
    resetting_a_password_signs_the_person_out_everywhere,
);
