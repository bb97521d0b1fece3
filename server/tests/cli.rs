//! The server binary's command line and its start-up failures, run as a person would run them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests: a failed expectation is a failed test"
)]

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    for var in [
        "TRACKER_DATABASE_URL",
        "TRACKER_LISTEN",
        "TRACKER_DATA_DIR",
        "TRACKER_CONFIG",
        "TRACKER_LOG",
    ] {
        command.env_remove(var);
    }
    command.stdin(Stdio::null());
    command
}

fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().expect("the server binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

/// A start-up failure is exactly one line on stderr, no panic, no backtrace, exit status 1.
fn assert_one_line_error(output: &Output, stderr: &str, starts_with: &str) {
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit status; stderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(
        lines[0].starts_with(starts_with),
        "{:?} should start with {starts_with:?}",
        lines[0]
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn help_lists_the_commands() {
    let (output, stdout, _) = run(server().arg("--help"));
    assert!(output.status.success());
    for command in ["serve", "migrate", "seed"] {
        assert!(stdout.contains(command), "{command} in --help");
    }
    let (output, stdout, _) = run(server().args(["seed", "--help"]));
    assert!(output.status.success() && stdout.contains("--demo"));
}

#[test]
fn migrate_and_seed_create_the_sqlite_database_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new/data");
    let (output, stdout, stderr) = run(server().arg("migrate").env("TRACKER_DATA_DIR", &data));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Migrations applied") && stdout.contains("SQLite"),
        "{stdout}"
    );
    assert!(data.join("tracker.db").exists());

    let (output, stdout, stderr) = run(server()
        .args(["seed", "--demo"])
        .env("TRACKER_DATA_DIR", &data));
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("204 organisations"), "{stdout}");
}

#[test]
fn a_malformed_database_url_is_one_clear_line() {
    let (output, _, stderr) = run(server()
        .arg("migrate")
        .env("TRACKER_DATABASE_URL", "mysql://localhost/tracker"));
    assert_one_line_error(
        &output,
        &stderr,
        "error: setting database_url (TRACKER_DATABASE_URL):",
    );
}

#[test]
fn an_unwritable_data_directory_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let (output, _, stderr) = run(server()
        .arg("migrate")
        .env("TRACKER_DATA_DIR", file.join("data")));
    assert_one_line_error(
        &output,
        &stderr,
        "error: setting data_dir (TRACKER_DATA_DIR):",
    );
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let (output, _, stderr) = run(server()
        .arg("serve")
        .env("TRACKER_DATA_DIR", dir.path())
        .env("TRACKER_LISTEN", &address));
    assert_one_line_error(
        &output,
        &stderr,
        "error: setting listen (TRACKER_LISTEN): cannot listen on",
    );
    assert!(stderr.contains(&address));
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    let (output, _, stderr) = run(server().arg("migrate").env(
        "TRACKER_DATABASE_URL",
        "postgres://tracker:secret@127.0.0.1:1/tracker",
    ));
    assert_one_line_error(
        &output,
        &stderr,
        "error: setting database_url (TRACKER_DATABASE_URL): cannot connect",
    );
    assert!(
        !stderr.contains("secret"),
        "the password is not shown: {stderr}"
    );
}

#[test]
fn a_bad_config_file_names_itself() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tracker.toml");
    std::fs::write(&file, "listen = 3000\n").unwrap();
    let (output, _, stderr) = run(server().arg("migrate").arg("--config").arg(&file));
    assert_one_line_error(&output, &stderr, "error: setting config (TRACKER_CONFIG):");
}

#[test]
fn serve_answers_health_checks_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, port) = spawn_serve(dir.path(), "info");
    let healthy = http(
        port,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(healthy.starts_with("HTTP/1.1 200"), "{healthy}");
    assert!(healthy.contains(r#""database":"SQLite""#), "{healthy}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "exit after SIGTERM: {:?}",
        output.status
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("shutting down"));
}

/// Starts `serve` on a free port over the data directory; returns once it accepts connections.
fn spawn_serve(data_dir: &std::path::Path, log_level: &str) -> (std::process::Child, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = server()
        .arg("serve")
        .env("TRACKER_DATA_DIR", data_dir)
        .env("TRACKER_LISTEN", format!("127.0.0.1:{port}"))
        .env("TRACKER_LOG", log_level)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (child, port)
}

/// Sends one raw HTTP/1.1 request and returns the whole response.
fn http(port: u16, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply
}

fn seeded_data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (output, _, stderr) = run(server().arg("seed").env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    dir
}

#[test]
fn create_user_prints_the_password_once_and_refuses_a_duplicate() {
    let dir = seeded_data_dir();
    let create = || {
        let mut c = server();
        c.args([
            "create-user",
            "--email",
            "Jo@Fife.gov.uk",
            "--role",
            "officer",
            "--org",
            "council-fife",
        ])
        .env("TRACKER_DATA_DIR", dir.path());
        c
    };
    let (output, stdout, stderr) = run(&mut create());
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Created the officer account jo@fife.gov.uk"),
        "{stdout}"
    );
    assert!(stdout.contains("Password (shown once"), "{stdout}");
    let (output, _, stderr) = run(&mut create());
    assert_one_line_error(
        &output,
        &stderr,
        "error: An account for jo@fife.gov.uk already exists",
    );
}

#[test]
fn create_user_names_a_bad_role_or_organisation() {
    let dir = seeded_data_dir();
    let (output, _, stderr) = run(server()
        .args(["create-user", "--email", "a@b.scot", "--role", "wizard"])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert_one_line_error(
        &output,
        &stderr,
        "error: --role: role: \"wizard\" is not valid",
    );
    let (output, _, stderr) = run(server()
        .args([
            "create-user",
            "--email",
            "a@b.scot",
            "--role",
            "officer",
            "--org",
            "council-atlantis",
        ])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert_one_line_error(
        &output,
        &stderr,
        "error: organisations: No organisation has the code council-atlantis",
    );
}

#[test]
fn seed_demo_creates_one_account_per_role_once() {
    let dir = tempfile::tempdir().unwrap();
    let (output, stdout, stderr) = run(server()
        .args(["seed", "--demo"])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    for email in [
        "admin@demo.invalid",
        "board@demo.invalid",
        "officer@demo.invalid",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(email) && l.contains("password: ")),
            "{email}: {stdout}"
        );
    }
    let (_, again, _) = run(server()
        .args(["seed", "--demo"])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert_eq!(
        again.matches("exists already; password unchanged").count(),
        3,
        "{again}"
    );
}

#[test]
fn no_password_or_session_token_reaches_the_logs() {
    let dir = seeded_data_dir();
    let password = "a-password-that-must-not-be-logged";
    let (output, _, stderr) = run(server()
        .args([
            "create-user",
            "--email",
            "board@gov.scot",
            "--role",
            "board",
        ])
        .env("TRACKER_NEW_PASSWORD", password)
        .env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    let (child, port) = spawn_serve(dir.path(), "trace");
    let body = format!("email=board%40gov.scot&password={password}");
    let host = format!("127.0.0.1:{port}");
    let reply = http(
        port,
        &format!(
            "POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nConnection: close\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    );
    let token = reply
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: tracker_session="))
        .and_then(|rest| rest.split(';').next())
        .expect("signed in")
        .to_owned();
    let me = http(
        port,
        &format!("GET /api/auth/me HTTP/1.1\r\nHost: {host}\r\nCookie: tracker_session={token}\r\nConnection: close\r\n\r\n"),
    );
    assert!(me.contains("board@gov.scot"), "{me}");

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        logs.len() > 1000,
        "trace logging was on: {} bytes",
        logs.len()
    );
    assert!(!logs.contains(password), "the password is in the logs");
    assert!(!logs.contains(&token), "the session token is in the logs");
}

#[test]
fn backup_writes_a_checked_copy_that_restores() {
    let dir = seeded_data_dir();
    let copy = dir.path().join("backup-2026-11-27.db");
    let (output, stdout, stderr) = run(server()
        .args(["backup", "--to"])
        .arg(&copy)
        .env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Backed up") && stdout.contains("organisations"),
        "{stdout}"
    );
    assert!(copy.exists());

    // Restoring is pointing the tracker at the copy (or copying it over the original).
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&copy, restored.path().join("tracker.db")).unwrap();
    let (output, stdout, stderr) = run(server()
        .arg("check")
        .env("TRACKER_DATA_DIR", restored.path()));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("is consistent") && stdout.contains("204 organisations"),
        "{stdout}"
    );

    // A backup never overwrites a file.
    let (output, _, stderr) = run(server()
        .args(["backup", "--to"])
        .arg(&copy)
        .env("TRACKER_DATA_DIR", dir.path()));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("exists already"), "{stderr}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/returns")
        .join(name)
}

#[test]
fn import_prints_the_report_and_commits_as_an_officer() {
    let dir = seeded_data_dir();
    let import = |file: &str, extra: &[&str]| {
        let mut c = server();
        c.arg("import")
            .arg(fixture(file))
            .args(["--org", "council-fife", "--fy", "2013-14"])
            .args(extra)
            .env("TRACKER_DATA_DIR", dir.path());
        run(&mut c)
    };
    let (output, stdout, stderr) = import("broken-amount.xlsx", &[]);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Spend!E4: found \"12k\""), "{stdout}");
    assert!(stderr.contains("the file has 1 errors"), "{stderr}");

    let (output, stdout, stderr) = import("good.xlsx", &[]);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Checked only") && stdout.contains("new"),
        "{stdout}"
    );

    let (output, _, stderr) = import("good.xlsx", &["--commit"]);
    assert_one_line_error(&output, &stderr, "error: --commit needs --as EMAIL");

    let (output, _, stderr) = run(server()
        .args([
            "create-user",
            "--email",
            "jo@fife.gov.uk",
            "--role",
            "officer",
            "--org",
            "council-fife",
        ])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    let (output, stdout, stderr) = import("good.xls", &["--commit", "--as", "jo@fife.gov.uk"]);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("Imported into version 1"), "{stdout}");
    let (output, stdout, _) = import("good.ods", &["--commit", "--as", "jo@fife.gov.uk"]);
    assert!(output.status.success());
    assert!(
        stdout.contains("nothing changed"),
        "the same figures in another format: {stdout}"
    );
}

/// Issue 14: `server import … --org police-strathclyde --fy 2014-15 --commit` imported into a
/// return of a force that ended on 31 March 2013. The year is refused, naming the dates and the
/// successor, and nothing is written.
#[test]
fn import_refuses_a_year_outside_the_body_s_life() {
    let dir = seeded_data_dir();
    let (output, _, stderr) = run(server()
        .args([
            "create-user",
            "--email",
            "jo@strathclyde.police.uk",
            "--role",
            "officer",
            "--org",
            "police-strathclyde",
        ])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    let (output, _, stderr) = run(server()
        .arg("import")
        .arg(fixture("good.csv"))
        .args(["--org", "police-strathclyde", "--fy", "2014-15"])
        .args(["--commit", "--as", "jo@strathclyde.police.uk"])
        .env("TRACKER_DATA_DIR", dir.path()));
    assert_one_line_error(
        &output,
        &stderr,
        "error: --fy: Strathclyde Police existed until 31 March 2013, so it does not return 2014-15",
    );
    assert!(stderr.contains("Police Scotland"), "{stderr}");
    let (output, stdout, stderr) = run(server().arg("check").env("TRACKER_DATA_DIR", dir.path()));
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains(" 0 returns ("),
        "nothing was written: {stdout}"
    );
}
