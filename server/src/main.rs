//! The tracker's binary: telemetry, configuration, then the chosen command.
//! Any failure ends with one line on stderr (`error: ...`) and exit status 1.

use clap::Parser;
use server::cli::{run, Cli};
use server::config::Config;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match start(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn start(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env(cli.config.as_deref())?;
    let filter =
        EnvFilter::try_new(&config.log_level).map_err(|e| server::config::ConfigError {
            key: "log_level",
            var: "TRACKER_LOG",
            message: format!(
                "{:?} is not a log filter like info or server=debug: {e}",
                config.log_level
            ),
        })?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli, config))
}
