//! Configuration: built-in defaults, then an optional TOML file, then `TRACKER_*` variables.
//!
//! Policy: every setting is checked before anything starts, and a bad one stops the program
//! with one line that names the setting (as the file key and the variable), the value found and
//! what was expected.

use app::db::Backend;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The settings the tracker runs with, all checked.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub log_level: String,
    pub site_root: PathBuf,
    pub max_connections: u32,
    /// The largest spreadsheet upload accepted, in bytes (`max_upload_mb`, default 10).
    pub max_upload_bytes: usize,
    /// The address people use to reach the service; `https://…` makes cookies `Secure`.
    pub public_url: String,
    /// Fields of the open data-centre list left out (`open_data_suppress`, comma-separated;
    /// default `postcode`; `none` for none).
    pub open_data_suppress: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`trusted_proxies`, comma-separated
    /// addresses or CIDR ranges; default none: the socket's peer is the client).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// A bad setting, named as the file key and the environment variable.
#[derive(Debug, thiserror::Error)]
#[error("setting {key} ({var}): {message}")]
pub struct ConfigError {
    pub key: &'static str,
    pub var: &'static str,
    pub message: String,
}

impl ConfigError {
    fn new(key: &'static str, message: impl Into<String>) -> Self {
        ConfigError {
            key,
            var: env_var(key),
            message: message.into(),
        }
    }
}

/// What an optional config file may hold; unknown keys are refused so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    data_dir: Option<String>,
    log_level: Option<String>,
    site_root: Option<String>,
    max_connections: Option<u32>,
    public_url: Option<String>,
    max_upload_mb: Option<u32>,
    open_data_suppress: Option<String>,
    trusted_proxies: Option<String>,
}

const KEYS: [(&str, &str); 10] = [
    ("database_url", "TRACKER_DATABASE_URL"),
    ("listen", "TRACKER_LISTEN"),
    ("data_dir", "TRACKER_DATA_DIR"),
    ("log_level", "TRACKER_LOG"),
    ("site_root", "TRACKER_SITE_ROOT"),
    ("max_connections", "TRACKER_MAX_CONNECTIONS"),
    ("public_url", "TRACKER_PUBLIC_URL"),
    ("max_upload_mb", "TRACKER_MAX_UPLOAD_MB"),
    ("open_data_suppress", "TRACKER_OPEN_DATA_SUPPRESS"),
    ("trusted_proxies", "TRACKER_TRUSTED_PROXIES"),
];

fn env_var(key: &str) -> &'static str {
    KEYS.iter()
        .find(|(k, _)| *k == key)
        .map_or("TRACKER_?", |(_, v)| v)
}

/// The default config file, read when present and no other file is named.
pub const DEFAULT_FILE: &str = "tracker.toml";

impl Config {
    /// Loads the configuration. `file` is the file named by `--config` or `TRACKER_CONFIG`
    /// (it must exist); without one, `tracker.toml` is read if present. `env` looks up a variable.
    #[expect(
        clippy::too_many_lines,
        reason = "one setting after another, each checked and named in its own message"
    )]
    pub fn load(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file_config = match file {
            Some(path) => read_file(path)?,
            None if Path::new(DEFAULT_FILE).exists() => read_file(Path::new(DEFAULT_FILE))?,
            None => FileConfig::default(),
        };
        let pick = |key: &'static str, from_file: Option<String>| env(env_var(key)).or(from_file);

        let data_dir =
            PathBuf::from(pick("data_dir", file_config.data_dir).unwrap_or_else(|| "data".into()));
        let listen_text =
            pick("listen", file_config.listen).unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen = SocketAddr::from_str(listen_text.trim()).map_err(|_| {
            ConfigError::new(
                "listen",
                format!("{listen_text:?} is not an address and port like 127.0.0.1:3000"),
            )
        })?;
        let max_connections = match pick(
            "max_connections",
            file_config.max_connections.map(|n| n.to_string()),
        ) {
            None => 8,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| {
                    ConfigError::new(
                        "max_connections",
                        format!("{text:?} is not a whole number from 1 to 1000"),
                    )
                })?,
        };
        let max_upload_mb = match pick(
            "max_upload_mb",
            file_config.max_upload_mb.map(|n| n.to_string()),
        ) {
            None => 10,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=200).contains(n))
                .ok_or_else(|| {
                    ConfigError::new(
                        "max_upload_mb",
                        format!("{text:?} is not a whole number of megabytes from 1 to 200"),
                    )
                })?,
        };
        let database_url = match pick("database_url", file_config.database_url) {
            Some(url) => check_database_url(url.trim())?,
            None => default_sqlite_url(&data_dir),
        };
        let public_url = pick("public_url", file_config.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::new(
                "public_url",
                format!("{public_url:?} must start with http:// or https://"),
            ));
        }
        let suppress_text = pick("open_data_suppress", file_config.open_data_suppress)
            .unwrap_or_else(|| "postcode".into());
        let mut open_data_suppress = Vec::new();
        for field in suppress_text
            .split(',')
            .map(|f| f.trim().to_lowercase())
            .filter(|f| !f.is_empty() && f != "none")
        {
            if !app::services::open_data::SUPPRESSIBLE.contains(&field.as_str()) {
                return Err(ConfigError::new(
                    "open_data_suppress",
                    format!(
                        "{field:?} is not a field that can be suppressed: use {} (comma-separated), or none",
                        app::services::open_data::SUPPRESSIBLE.join(", ")
                    ),
                ));
            }
            open_data_suppress.push(field);
        }
        let trusted_proxies = parse_proxies(
            &pick("trusted_proxies", file_config.trusted_proxies).unwrap_or_default(),
        )?;
        Ok(Config {
            trusted_proxies,
            open_data_suppress,
            public_url,
            database_url,
            listen,
            data_dir,
            log_level: pick("log_level", file_config.log_level).unwrap_or_else(|| "info".into()),
            site_root: PathBuf::from(
                pick("site_root", file_config.site_root).unwrap_or_else(|| "target/site".into()),
            ),
            max_connections,
            max_upload_bytes: usize::try_from(max_upload_mb).unwrap_or(10) * 1024 * 1024,
        })
    }

    /// Loads from the process environment.
    pub fn from_env(file: Option<&Path>) -> Result<Config, ConfigError> {
        Config::load(file, &|name| {
            std::env::var(name).ok().filter(|v| !v.is_empty())
        })
    }

    pub fn backend(&self) -> Backend {
        Backend::from_url(&self.database_url).unwrap_or(Backend::Sqlite)
    }

    /// Cookies are marked `Secure` when the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Creates the data directory if needed and proves it can be written to.
    pub fn prepare_data_dir(&self) -> Result<(), ConfigError> {
        let dir = &self.data_dir;
        let unwritable = |e: std::io::Error| {
            ConfigError::new(
                "data_dir",
                format!(
                    "{} cannot be used as the data directory: {e}",
                    dir.display()
                ),
            )
        };
        std::fs::create_dir_all(dir).map_err(unwritable)?;
        let probe = dir.join(".write-test");
        std::fs::write(&probe, b"ok").map_err(unwritable)?;
        std::fs::remove_file(&probe).map_err(unwritable)?;
        Ok(())
    }

    /// The database URL without any password, for logs and messages.
    pub fn database_url_for_display(&self) -> String {
        redact_password(&self.database_url)
    }
}

/// `trusted_proxies`: comma-separated addresses (`10.0.0.5`) or ranges (`10.0.0.0/8`, `fd00::/8`).
fn parse_proxies(text: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("none"))
        .map(|t| {
            t.parse::<ipnet::IpNet>()
                .or_else(|_| t.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError::new(
                        "trusted_proxies",
                        format!("{t:?} is not an IP address or range like 10.0.0.5 or 10.0.0.0/8"),
                    )
                })
        })
        .collect()
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        key: "config",
        var: "TRACKER_CONFIG",
        message: format!("cannot read {}: {e}", path.display()),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError {
        key: "config",
        var: "TRACKER_CONFIG",
        message: format!("{} is not valid: {}", path.display(), e.message()),
    })
}

fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite:{}?mode=rwc", data_dir.join("tracker.db").display())
}

fn check_database_url(url: &str) -> Result<String, ConfigError> {
    let shown = redact_password(url);
    match Backend::from_url(url) {
        None => Err(ConfigError::new(
            "database_url",
            format!("{shown:?} must start with sqlite: (a file) or postgres:// (a server)"),
        )),
        Some(Backend::Postgres) => sqlx::postgres::PgConnectOptions::from_str(url)
            .map(|_| url.to_owned())
            .map_err(|e| {
                ConfigError::new(
                    "database_url",
                    format!("{shown:?} is not a valid PostgreSQL URL: {e}"),
                )
            }),
        Some(Backend::Sqlite) => sqlx::sqlite::SqliteConnectOptions::from_str(url)
            .map(|_| url.to_owned())
            .map_err(|e| {
                ConfigError::new(
                    "database_url",
                    format!("{shown:?} is not a valid SQLite URL: {e}"),
                )
            }),
    }
}

/// Replaces the password in `scheme://user:password@host` with `***`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(None, &|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_use_sqlite_in_the_data_directory() {
        let config = load(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite:data/tracker.db?mode=rwc");
        assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(config.backend(), Backend::Sqlite);
    }

    #[test]
    fn open_data_suppresses_the_postcode_unless_told_otherwise() {
        assert_eq!(load(&[]).unwrap().open_data_suppress, ["postcode"]);
        let config = load(&[("TRACKER_OPEN_DATA_SUPPRESS", "Costs, energy")]).unwrap();
        assert_eq!(config.open_data_suppress, ["costs", "energy"]);
        assert!(load(&[("TRACKER_OPEN_DATA_SUPPRESS", "none")])
            .unwrap()
            .open_data_suppress
            .is_empty());
        let err = load(&[("TRACKER_OPEN_DATA_SUPPRESS", "postcode,salaries")])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "setting open_data_suppress (TRACKER_OPEN_DATA_SUPPRESS): \"salaries\""
            ),
            "{err}"
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges_and_none_by_default() {
        assert!(load(&[]).unwrap().trusted_proxies.is_empty());
        let config = load(&[(
            "TRACKER_TRUSTED_PROXIES",
            "10.0.0.5, 172.16.0.0/12,fd00::/8",
        )])
        .unwrap();
        let shown: Vec<String> = config
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["10.0.0.5/32", "172.16.0.0/12", "fd00::/8"]);
        let err = load(&[("TRACKER_TRUSTED_PROXIES", "10.0.0.5,proxy.internal")])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("setting trusted_proxies (TRACKER_TRUSTED_PROXIES): \"proxy.internal\" is not an IP address"),
            "{err}"
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.toml");
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:4000\"\nlog_level = \"debug\"\n",
        )
        .unwrap();
        let config = Config::load(Some(&file), &|name| {
            (name == "TRACKER_LISTEN").then(|| "0.0.0.0:5000".into())
        })
        .unwrap();
        assert_eq!(config.listen.to_string(), "0.0.0.0:5000");
        assert_eq!(config.log_level, "debug");
    }

    #[test]
    fn a_malformed_database_url_names_the_setting() {
        let err = load(&[("TRACKER_DATABASE_URL", "mysql://x")])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("setting database_url (TRACKER_DATABASE_URL):"),
            "{err}"
        );
        let err = load(&[(
            "TRACKER_DATABASE_URL",
            "postgres://u:secret@host:notaport/db",
        )])
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("TRACKER_DATABASE_URL") && !err.contains("secret"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_listen_address_names_the_setting() {
        let err = load(&[("TRACKER_LISTEN", "localhost")])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "setting listen (TRACKER_LISTEN): \"localhost\" is not an address and port like 127.0.0.1:3000"
        );
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.toml");
        std::fs::write(&file, "listn = \"127.0.0.1:4000\"\n").unwrap();
        let err = Config::load(Some(&file), &|_| None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("listn"), "{err}");
    }

    #[test]
    fn a_data_directory_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "x").unwrap();
        let config = load(&[("TRACKER_DATA_DIR", file.to_str().unwrap())]).unwrap();
        let err = config.prepare_data_dir().unwrap_err().to_string();
        assert!(
            err.starts_with("setting data_dir (TRACKER_DATA_DIR):"),
            "{err}"
        );
    }

    #[test]
    fn an_https_public_url_makes_cookies_secure() {
        assert!(
            !load(&[]).unwrap().secure_cookies(),
            "plain http by default"
        );
        let config =
            load(&[("TRACKER_PUBLIC_URL", "https://ict-savings.example.gov.scot")]).unwrap();
        assert!(config.secure_cookies());
        let err = load(&[("TRACKER_PUBLIC_URL", "ict-savings.example")])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("setting public_url (TRACKER_PUBLIC_URL):"),
            "{err}"
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_password("postgres://me:pw@h/db"),
            "postgres://me:***@h/db"
        );
        assert_eq!(redact_password("postgres://me@h/db"), "postgres://me@h/db");
    }
}
