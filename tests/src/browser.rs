//! Browser harness: the real server binary, chromedriver and headless Debian Chromium, with
//! axe-core run on every page visited.
//!
//! Policy: each process runs in its own process group and the whole group is killed when the
//! harness is dropped, even if a test panicked. Nothing is downloaded: the browser is
//! `/usr/bin/chromium` (override with `TRACKER_CHROMIUM`), the driver `chromedriver` on PATH.

use fantoccini::{Client, ClientBuilder};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace_root;

/// A child process in its own process group, killed with its group on drop.
pub struct GroupChild {
    name: &'static str,
    child: Child,
}

impl GroupChild {
    pub fn spawn(name: &'static str, command: &mut Command) -> anyhow::Result<GroupChild> {
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start {name}: {e}"))?;
        Ok(GroupChild { name, child })
    }
}

impl Drop for GroupChild {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = self.child.wait();
        let _ = self.name;
    }
}

/// A port nobody is listening on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A plain HTTP/1.1 GET on loopback, returning the status code (used to wait for readiness).
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

fn wait_until(
    what: &str,
    timeout: Duration,
    mut ready: impl FnMut() -> bool,
) -> anyhow::Result<()> {
    let start = Instant::now();
    while start.elapsed() < timeout {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    anyhow::bail!("{what} was not ready after {timeout:?}")
}

/// The server binary that `cargo leptos build` made.
fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("TRACKER_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map_or_else(|_| workspace_root().join("target"), PathBuf::from);
    target.join("debug").join("server")
}

/// The officer account every browser test server has.
pub const E2E_OFFICER_EMAIL: &str = "morag.officer@fife.gov.uk";
/// Its password (a test fixture, in a throwaway database).
pub const E2E_OFFICER_PASSWORD: &str = "browser-test-password-1";

/// The admin account every browser test server has.
pub const E2E_ADMIN_EMAIL: &str = "alasdair.admin@gov.scot";
/// Its password (a test fixture, in a throwaway database).
pub const E2E_ADMIN_PASSWORD: &str = "browser-admin-password-1";

/// The programme board account every browser test server has.
pub const E2E_BOARD_EMAIL: &str = "morven.board@gov.scot";
/// Its password (a test fixture, in a throwaway database).
pub const E2E_BOARD_PASSWORD: &str = "browser-board-password-1";

/// The tracker running from its binary on a fresh SQLite database with the reference data.
pub struct RunningServer {
    pub base_url: String,
    _process: GroupChild,
    _data: tempfile::TempDir,
}

impl RunningServer {
    #[expect(
        clippy::too_many_lines,
        reason = "starting the server is one sequence of steps, each with its own error message"
    )]
    pub fn start() -> anyhow::Result<RunningServer> {
        let binary = server_binary();
        anyhow::ensure!(
            binary.exists(),
            "{} is missing: run `cargo leptos build` first",
            binary.display()
        );
        let site = workspace_root().join("target/site");
        anyhow::ensure!(
            site.join("pkg").exists(),
            "{} is missing: run `cargo leptos build` first",
            site.display()
        );
        let data = tempfile::tempdir()?;
        let port = free_port()?;
        let configure = |command: &mut Command| {
            command
                .current_dir(workspace_root())
                .env("TRACKER_DATA_DIR", data.path())
                .env("TRACKER_LISTEN", format!("127.0.0.1:{port}"))
                .env("TRACKER_SITE_ROOT", &site)
                .env_remove("TRACKER_DATABASE_URL")
                .env_remove("TRACKER_CONFIG");
        };
        // Runs one CLI command to completion; its stderr is the error if it fails.
        let run = |args: &[&str], password: Option<&str>| -> anyhow::Result<()> {
            let mut command = Command::new(&binary);
            command.args(args);
            if let Some(password) = password {
                command.env("TRACKER_NEW_PASSWORD", password);
            }
            configure(&mut command);
            let output = command.output()?;
            anyhow::ensure!(
                output.status.success(),
                "{} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
            Ok(())
        };
        run(&["seed"], None)?;
        run(
            &[
                "create-user",
                "--email",
                E2E_OFFICER_EMAIL,
                "--name",
                "Morag Officer",
                "--role",
                "officer",
                "--org",
                "council-fife",
            ],
            Some(E2E_OFFICER_PASSWORD),
        )?;
        run(
            &[
                "create-user",
                "--email",
                E2E_ADMIN_EMAIL,
                "--name",
                "Alasdair Admin",
                "--role",
                "admin",
            ],
            Some(E2E_ADMIN_PASSWORD),
        )?;
        run(
            &[
                "create-user",
                "--email",
                E2E_BOARD_EMAIL,
                "--name",
                "Morven Board",
                "--role",
                "board",
            ],
            Some(E2E_BOARD_PASSWORD),
        )?;

        let mut serve = Command::new(&binary);
        serve.arg("serve");
        configure(&mut serve);
        let process = GroupChild::spawn("the tracker server", &mut serve)?;
        wait_until("the tracker server", Duration::from_secs(30), || {
            http_status(port, "/healthz") == Some(200)
        })?;
        Ok(RunningServer {
            base_url: format!("http://127.0.0.1:{port}"),
            _process: process,
            _data: data,
        })
    }
}

/// chromedriver plus a WebDriver session in headless Chromium.
pub struct Browser {
    pub client: Client,
    _driver: GroupChild,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> anyhow::Result<Browser> {
        Browser::start_with(true).await
    }

    /// A browser whose pages run no JavaScript at all, as for a person who has it turned off:
    /// every page must still render and every form must still post.
    pub async fn start_without_javascript() -> anyhow::Result<Browser> {
        Browser::start_with(false).await
    }

    async fn start_with(javascript: bool) -> anyhow::Result<Browser> {
        let port = free_port()?;
        let driver = GroupChild::spawn(
            "chromedriver (install Debian's chromium-driver)",
            Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        wait_until("chromedriver", Duration::from_secs(20), || {
            http_status(port, "/status") == Some(200)
        })?;
        let profile = tempfile::tempdir()?;
        let chromium =
            std::env::var("TRACKER_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 },
                },
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| anyhow::anyhow!("cannot open a Chromium session: {e}"))?;
        Ok(Browser {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Ends the WebDriver session; the driver's process group is killed on drop regardless.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// The axe-core script from `node_modules` (installed by `npm ci`).
fn axe_source() -> anyhow::Result<String> {
    let path: &Path = &workspace_root().join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{}: {e} (run npm ci)", path.display()))
}

/// Runs axe-core's WCAG 2.x A and AA rules on the current page; returns one line per violation.
pub async fn accessibility_violations(client: &Client) -> anyhow::Result<Vec<String>> {
    let loaded = client.execute("return typeof window.axe", vec![]).await?;
    if loaded != serde_json::json!("object") {
        client.execute(&axe_source()?, vec![]).await?;
    }
    let result = client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { runOnly: { type: 'tag',
                   values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
                 .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                       + v.nodes.map(n => n.target.join(' ')).join(', '))))
                 .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(result)?)
}
