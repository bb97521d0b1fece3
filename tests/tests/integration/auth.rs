//! Accounts, sessions and protection through the real router, on SQLite and on PostgreSQL.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use app::domain::Role;
use axum::body::Body;
use http::{header, Request, StatusCode};
use tests::{on_both_backends, send, session_token, Backend, TestApp, TEST_HOST};

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

async fn me(app: &TestApp, token: &str) -> serde_json::Value {
    let response = app.get_as("/api/auth/me", Some(token)).await;
    assert_eq!(response.status, StatusCode::OK);
    serde_json::from_str(&response.body).unwrap()
}

async fn signing_in_sets_a_session_cookie_and_the_header_shows_the_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app
        .create_user("Officer@Fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let response = app
        .post_form(
            "/api/auth/login",
            &[("email", " officer@fife.gov.uk "), ("password", &password)],
            None,
        )
        .await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{}",
        response.status
    );
    let cookie = response
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let token = session_token(&response).expect("a session token");

    let who = me(&app, &token).await;
    assert_eq!(who["email"], "officer@fife.gov.uk");
    assert_eq!(who["role"], "officer");
    assert_eq!(who["organisations"][0]["code"], "council-fife");

    let page = app.get_as("/", Some(&token)).await;
    assert!(
        page.body.contains("Signed in as")
            && page.body.contains("Test officer")
            && page.body.contains("Finance officer")
    );
    assert!(page.body.contains(r#"id="sign-out""#));
    let anonymous = app.get("/").await;
    assert!(
        anonymous.body.contains(r#"id="sign-in-link""#) && !anonymous.body.contains("Signed in as")
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login'"
        )
        .await,
        1
    );
    app.teardown().await;
}

async fn a_wrong_password_and_an_unknown_account_get_the_same_message(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("board@gov.scot", Role::Board, &[]).await;
    let wrong = app
        .post_form(
            "/api/auth/login",
            &[
                ("email", "board@gov.scot"),
                ("password", "not the password"),
            ],
            None,
        )
        .await;
    let unknown = app
        .post_form(
            "/api/auth/login",
            &[
                ("email", "nobody@gov.scot"),
                ("password", "not the password"),
            ],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (wrong.status, &wrong.body),
        (unknown.status, &unknown.body),
        "indistinguishable"
    );
    assert!(wrong.body.contains(app::services::auth::SIGN_IN_FAILED));
    assert!(session_token(&wrong).is_none());
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'"
        )
        .await,
        2
    );
    app.teardown().await;
}

async fn without_javascript_a_failed_sign_in_shows_the_error_summary(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let request = Request::post("/api/auth/login")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::REFERER, format!("http://{TEST_HOST}/login"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("email=x%40gov.scot&password=wrong"))
        .unwrap();
    let response = app.request(request).await;
    assert!(response.status.is_redirection(), "{}", response.status);
    let location = response
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let path = location
        .strip_prefix(&format!("http://{TEST_HOST}"))
        .unwrap_or(&location)
        .to_owned();
    assert!(
        path.starts_with("/login?") && path.contains("__form="),
        "{path}"
    );
    assert!(
        !path.contains("__err") && !path.contains("gov.scot"),
        "nothing typed is in the address: {path}"
    );
    let page = app.get(&path).await;
    assert!(page.body.contains("ds_error-summary") && page.body.contains("There is a problem"));
    assert!(page.body.contains(app::services::auth::SIGN_IN_FAILED));
    assert!(
        page.body.contains(r##"href="#email""##),
        "the summary links to the field"
    );
    app.teardown().await;
}

/// Issue 15: `next=/%09/evil.example` sent a signed-in user to http://evil.example/, and a
/// newline in `next` panicked the request.
async fn signing_in_never_sends_anyone_to_another_site(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: stolen=1",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/returns?fy=2013-14",
    ] {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("email", "board@gov.scot"),
                ("password", password.as_str()),
                ("next", next),
            ])
            .finish();
        let request = Request::post("/api/auth/login")
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("http://{TEST_HOST}"))
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let response = app.request(request).await;
        assert!(
            response.status.is_redirection(),
            "{next:?}: {} {}",
            response.status,
            response.body
        );
        let location = response
            .headers
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap();
        let expected = if next == "/returns?fy=2013-14" {
            next
        } else {
            "/"
        };
        assert_eq!(location, expected, "{next:?}");
        assert!(response
            .headers
            .get("set-cookie")
            .is_none_or(|c| !c.to_str().unwrap_or("").contains("stolen")));
    }
    app.teardown().await;
}

async fn signing_out_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("admin@gov.scot", Role::Admin, &[]).await;
    let token = app.login("admin@gov.scot", &password).await.unwrap();
    let out = app.post_form("/api/auth/logout", &[], Some(&token)).await;
    assert!(
        out.status.is_success() || out.status.is_redirection(),
        "{}",
        out.status
    );
    let cleared = out
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(me(&app, &token).await, serde_json::Value::Null);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'logout'"
        )
        .await,
        1
    );
    app.teardown().await;
}

async fn signing_in_again_rotates_the_session_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let first = app.login("board@gov.scot", &password).await.unwrap();
    let again = app
        .post_form(
            "/api/auth/login",
            &[("email", "board@gov.scot"), ("password", &password)],
            Some(&first),
        )
        .await;
    let second = session_token(&again).unwrap();
    assert_ne!(first, second);
    assert_eq!(
        me(&app, &first).await,
        serde_json::Value::Null,
        "the old id no longer works"
    );
    assert_eq!(me(&app, &second).await["email"], "board@gov.scot");
    app.teardown().await;
}

async fn sessions_expire_when_idle_and_after_a_working_day(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let idle = app.login("board@gov.scot", &password).await.unwrap();
    let long = app.login("board@gov.scot", &password).await.unwrap();
    let hash = |t: &str| app::services::auth::token_hash(t);
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 31 * 60 WHERE token_hash = $1")
        .bind(hash(&idle))
        .execute(app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET expires_at = created_at - 1 WHERE token_hash = $1")
        .bind(hash(&long))
        .execute(app.db.pool())
        .await
        .unwrap();
    assert_eq!(me(&app, &idle).await, serde_json::Value::Null);
    assert_eq!(me(&app, &long).await, serde_json::Value::Null);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM sessions").await,
        0,
        "expired sessions are deleted"
    );
    app.teardown().await;
}

async fn repeated_failures_lock_the_account_with_back_off(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app
        .create_user("officer@gov.scot", Role::Officer, &["council-fife"])
        .await;
    for _ in 0..5 {
        let r = app
            .post_form(
                "/api/auth/login",
                &[
                    ("email", "officer@gov.scot"),
                    ("password", "guess guess guess"),
                ],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let locked = app
        .post_form(
            "/api/auth/login",
            &[("email", "officer@gov.scot"), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(locked.body.contains("Too many failed sign-ins"));
    assert!(session_token(&locked).is_none());
    // Once the lock has passed, the right password works and clears the account's count.
    sqlx::query("UPDATE login_throttle SET locked_until = 0")
        .execute(app.db.pool())
        .await
        .unwrap();
    assert!(app.login("officer@gov.scot", &password).await.is_some());
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM login_throttle WHERE throttle_key LIKE 'account:%'"
        )
        .await,
        0
    );
    app.teardown().await;
}

async fn repeated_failures_from_one_address_lock_that_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    // Five different accounts guessed from one address (in-process requests share one address).
    for n in 0..5 {
        let email = format!("guess{n}@gov.scot");
        let r = app
            .post_form(
                "/api/auth/login",
                &[("email", &email), ("password", "guess guess guess")],
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let locked = app
        .post_form(
            "/api/auth/login",
            &[("email", "board@gov.scot"), ("password", &password)],
            None,
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is locked for every account"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT failures FROM login_throttle WHERE throttle_key LIKE 'addr:%'"
        )
        .await,
        5
    );
    app.teardown().await;
}

/// A sign-in from `client`, as the trusted reverse proxy forwards it.
fn login_request(client: &str, email: &str, password: &str) -> Request<Body> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("email", email), ("password", password)])
        .finish();
    let mut request = Request::post("/api/auth/login")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", format!("203.0.113.250, {client}"))
        .body(Body::from(body))
        .unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::new(
            tests::TEST_PROXY,
            443,
        )));
    request
}

async fn login_from(
    app: &TestApp,
    client: &str,
    email: &str,
    password: &str,
) -> tests::TestResponse {
    app.request(login_request(client, email, password)).await
}

/// Issue 15: five wrong passwords from anyone locked every sign-in for everyone (one counter for
/// all, the client address unknown), and 40 parallel guesses were all checked.
async fn an_attacker_locks_only_their_own_address_and_the_account_they_guess(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let victim = app
        .create_user("victim@fife.gov.uk", Role::Officer, &["council-fife"])
        .await;
    let colleague = app
        .create_user("colleague@gov.scot", Role::Board, &[])
        .await;
    // 40 guesses at once from one address: only the free five are checked.
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..40 {
        let router = app.router.clone();
        guesses.spawn(async move {
            let guess = format!("guess number {n}");
            send(
                &router,
                login_request("198.51.100.66", "victim@fife.gov.uk", &guess),
            )
            .await
        });
    }
    let answers: Vec<tests::TestResponse> = guesses.join_all().await;
    let refused = |code: StatusCode| answers.iter().filter(|r| r.status == code).count();
    assert_eq!(
        (
            refused(StatusCode::UNPROCESSABLE_ENTITY),
            refused(StatusCode::TOO_MANY_REQUESTS)
        ),
        (5, 35),
        "five checked, the rest refused before any hashing"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'"
        )
        .await,
        5
    );
    // Every audit row names the real client, not "unknown".
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND client_addr = '198.51.100.66'"
        )
        .await,
        5
    );
    // Someone else, from elsewhere, signs in as usual.
    let other = login_from(&app, "192.0.2.77", "colleague@gov.scot", &colleague).await;
    assert!(
        session_token(&other).is_some(),
        "{}: {}",
        other.status,
        other.body
    );
    // The guessed account waits out its lock, even from its owner's own address...
    let owner = login_from(&app, "192.0.2.80", "victim@fife.gov.uk", &victim).await;
    assert_eq!(owner.status, StatusCode::TOO_MANY_REQUESTS);
    // ...and once it has passed, a success resets the account's count.
    sqlx::query("UPDATE login_throttle SET locked_until = 0 WHERE throttle_key LIKE 'account:%'")
        .execute(app.db.pool())
        .await
        .unwrap();
    let owner = login_from(&app, "192.0.2.80", "victim@fife.gov.uk", &victim).await;
    assert!(
        session_token(&owner).is_some(),
        "{}: {}",
        owner.status,
        owner.body
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM login_throttle WHERE throttle_key = 'account:victim@fife.gov.uk'"
        )
        .await,
        0
    );
    // A shared office address is not locked by its colleagues' successful sign-ins.
    for _ in 0..8 {
        let again = login_from(&app, "192.0.2.77", "colleague@gov.scot", &colleague).await;
        assert!(
            session_token(&again).is_some(),
            "{}: {}",
            again.status,
            again.body
        );
    }
    app.teardown().await;
}

async fn cross_site_state_changes_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("admin@gov.scot", Role::Admin, &[]).await;
    let token = app.login("admin@gov.scot", &password).await.unwrap();
    let forged = |origin: Option<&str>| {
        let mut r = Request::post("/api/auth/logout")
            .header(header::HOST, TEST_HOST)
            .header(header::COOKIE, format!("tracker_session={token}"));
        if let Some(origin) = origin {
            r = r.header(header::ORIGIN, origin);
        }
        r.body(Body::empty()).unwrap()
    };
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let response = app.request(forged(origin)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "origin {origin:?}");
    }
    assert_eq!(
        me(&app, &token).await["email"],
        "admin@gov.scot",
        "the forged sign-outs did nothing"
    );
    app.teardown().await;
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/organisations", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        let h = |name: header::HeaderName| {
            response
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            h(header::X_CONTENT_TYPE_OPTIONS).as_deref(),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            h(header::REFERRER_POLICY).as_deref(),
            Some("same-origin"),
            "{path}"
        );
        let csp = h(header::CONTENT_SECURITY_POLICY).unwrap();
        assert!(
            csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
    }
    let page = app.get("/organisations").await;
    let csp = page
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the CSP nonce"
    );
    app.teardown().await;
}

/// Issue 15: signed-in pages and exports could be kept by caches, and an https service sent no
/// HSTS.
async fn signed_in_answers_are_never_cached_and_https_is_strict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let token = app.login("board@gov.scot", &password).await.unwrap();
    for path in [
        "/returns/status",
        "/api/v1/returns?format=csv",
        "/dashboard",
        "/api/auth/me",
    ] {
        let response = app.get_as(path, Some(&token)).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.body);
        assert_eq!(
            response
                .headers
                .get(header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
        assert!(
            response
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "plain http"
        );
    }
    let public = app.get("/organisations").await;
    assert!(public
        .headers
        .get(header::CACHE_CONTROL)
        .is_none_or(|v| v != "no-store"));
    let https = tests::test_router_with(&app.db, |state| state.secure_cookies = true);
    let request = Request::get("/organisations")
        .header(header::HOST, TEST_HOST)
        .body(Body::empty())
        .unwrap();
    let response = send(&https, request).await;
    assert_eq!(
        response
            .headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .and_then(|v| v.to_str().ok()),
        Some("max-age=31536000")
    );
    app.teardown().await;
}

/// Issue 15: malformed server-function input (missing or non-integer fields, duplicate keys,
/// JSON, invalid UTF-8, a body over 2 MB) answered 500; it is the caller's mistake.
async fn malformed_server_function_input_is_a_client_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("admin@gov.scot", Role::Admin, &[]).await;
    let token = app.login("admin@gov.scot", &password).await.unwrap();
    let post = |body: Vec<u8>, content_type: &'static str| {
        Request::post("/api/admin/update-access")
            .header(header::HOST, TEST_HOST)
            .header(header::ORIGIN, format!("http://{TEST_HOST}"))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::COOKIE, format!("tracker_session={token}"))
            .body(Body::from(body))
            .unwrap()
    };
    let form = "application/x-www-form-urlencoded";
    let cases: Vec<(Vec<u8>, &str, StatusCode, &str)> = vec![
        (
            b"id=abc&role=board&organisations=".to_vec(),
            form,
            StatusCode::BAD_REQUEST,
            "could not be read",
        ),
        (
            b"role=board&organisations=".to_vec(),
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
            "id",
        ),
        (
            b"id=1&id=2&role=board&organisations=".to_vec(),
            form,
            StatusCode::BAD_REQUEST,
            "could not be read",
        ),
        (
            br#"{"id": 1, "role": "board"}"#.to_vec(),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing",
        ),
        (
            b"id=1&role=\xff\xfe&organisations=".to_vec(),
            form,
            StatusCode::BAD_REQUEST,
            "could not be read",
        ),
        (
            format!(
                "id=1&role=board&organisations={}",
                "x".repeat(3 * 1024 * 1024)
            )
            .into_bytes(),
            form,
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than the server accepts",
        ),
    ];
    for (body, content_type, status, words) in cases {
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let response = send(&app.router, post(body, content_type)).await;
        assert_eq!(response.status, status, "{shown}: {}", response.body);
        assert!(response.body.contains(words), "{shown}: {}", response.body);
    }
    app.teardown().await;
}

async fn secrets_are_never_stored_in_plain_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = app.create_user("admin@gov.scot", Role::Admin, &[]).await;
    let token = app.login("admin@gov.scot", &password).await.unwrap();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(&password));
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, vec![app::services::auth::token_hash(&token)]);
    let audit: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT before_json, after_json FROM audit_log")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    for (before, after) in audit {
        let text = format!("{before:?}{after:?}");
        assert!(
            !text.contains(&password) && !text.contains(&token),
            "{text}"
        );
    }
    app.teardown().await;
}

async fn two_instances_share_sessions_through_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (second, second_db) = app.second_instance().await;
    let password = app.create_user("board@gov.scot", Role::Board, &[]).await;
    let token = app.login("board@gov.scot", &password).await.unwrap();
    let me_on = |router: &axum::Router| {
        let request = Request::get("/api/auth/me")
            .header(header::HOST, TEST_HOST)
            .header(header::COOKIE, format!("tracker_session={token}"))
            .body(Body::empty())
            .unwrap();
        let router = router.clone();
        async move { send(&router, request).await.body }
    };
    assert!(
        me_on(&second).await.contains("board@gov.scot"),
        "valid on the other instance"
    );
    let logout = Request::post("/api/auth/logout")
        .header(header::HOST, TEST_HOST)
        .header(header::ORIGIN, format!("http://{TEST_HOST}"))
        .header(header::COOKIE, format!("tracker_session={token}"))
        .body(Body::empty())
        .unwrap();
    send(&second, logout).await;
    assert_eq!(me_on(&app.router).await, "null", "signed out on both");
    assert_eq!(me_on(&second).await, "null");
    second_db.close().await;
    app.teardown().await;
}

async fn admin_pages_need_an_admin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.create_user("admin@gov.scot", Role::Admin, &[]).await;
    let officer = app
        .create_user("officer@gov.scot", Role::Officer, &["council-fife"])
        .await;
    let admin = app.login("admin@gov.scot", &admin).await.unwrap();
    let officer = app.login("officer@gov.scot", &officer).await.unwrap();

    let anonymous = app.get("/admin").await;
    assert_eq!(
        anonymous.status,
        StatusCode::FOUND,
        "anonymous visitors are sent to sign in"
    );
    assert_eq!(
        anonymous.headers.get(header::LOCATION).unwrap(),
        "/login?next=/admin"
    );
    assert_eq!(
        app.get("/api/admin/users").await.status,
        StatusCode::UNAUTHORIZED
    );

    let forbidden = app.get_as("/admin", Some(&officer)).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert!(
        forbidden.body.contains("You cannot see this page")
            && !forbidden.body.contains("admin@gov.scot")
    );
    assert_eq!(
        app.get_as("/api/admin/audit", Some(&officer)).await.status,
        StatusCode::FORBIDDEN
    );

    let page = app.get_as("/admin", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("officer@gov.scot") && page.body.contains("council-fife"));
    let audit = app.get_as("/admin/audit?action=login", Some(&admin)).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("2 entries") && !audit.body.contains("user_created"));
    app.teardown().await;
}

on_both_backends!(
    signing_in_sets_a_session_cookie_and_the_header_shows_the_user,
    a_wrong_password_and_an_unknown_account_get_the_same_message,
    without_javascript_a_failed_sign_in_shows_the_error_summary,
    signing_out_ends_the_session,
    signing_in_again_rotates_the_session_id,
    sessions_expire_when_idle_and_after_a_working_day,
    repeated_failures_lock_the_account_with_back_off,
    repeated_failures_from_one_address_lock_that_address,
    an_attacker_locks_only_their_own_address_and_the_account_they_guess,
    signing_in_never_sends_anyone_to_another_site,
    cross_site_state_changes_are_refused,
    every_response_carries_the_security_headers,
    signed_in_answers_are_never_cached_and_https_is_strict,
    malformed_server_function_input_is_a_client_error,
    secrets_are_never_stored_in_plain_text,
    two_instances_share_sessions_through_the_database,
    admin_pages_need_an_admin,
);
