//! The command line: `serve` (the default), `migrate`, `seed [--demo]`.

use crate::config::Config;
use anyhow::Context;
use app::services::fixtures::{FixtureFiles, ReferenceData};
use app::state::AppState;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "The ICT Savings Tracker server")]
pub struct Cli {
    /// A TOML configuration file (default: ./tracker.toml when it exists).
    /// Settings: database_url, listen, data_dir, log_level, site_root, max_connections;
    /// each can be overridden by a TRACKER_* environment variable.
    #[arg(long, global = true, env = "TRACKER_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the tracker over HTTP (the default). Applies pending migrations first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the reference data from fixtures/ (sectors, bodies, mergers, baselines).
    Seed {
        /// Also load demo data for trying the tracker out.
        #[arg(long)]
        demo: bool,
    },
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = crate::connect_and_migrate(&config).await?;
            println!(
                "Migrations applied to {} ({}).",
                config.database_url_for_display(),
                db.backend().name()
            );
            db.close().await;
            Ok(())
        }
        Command::Seed { demo } => seed(config, demo).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = crate::bind(&config).await?;
    let db = crate::connect_and_migrate(&config).await?;
    let options = crate::leptos_options(&config);
    let router = crate::router(AppState { db: db.clone() }, options);
    tracing::info!(
        address = %config.listen,
        database = %config.database_url_for_display(),
        "ICT Savings Tracker listening on http://{}",
        config.listen
    );
    crate::serve(listener, router, crate::shutdown_signal())
        .await
        .context("serving HTTP")?;
    db.close().await;
    Ok(())
}

async fn seed(config: Config, demo: bool) -> anyhow::Result<()> {
    let data = ReferenceData::parse(&FixtureFiles::embedded())?;
    let db = crate::connect_and_migrate(&config).await?;
    let counts = data.write(&db).await?;
    println!(
        "Reference data loaded: {} sectors, {} organisations, {} mergers and transfers, {} baseline figures.",
        counts.sectors, counts.organisations, counts.successions, counts.baseline_figures
    );
    if demo {
        println!("Demo data: the reference data above is all there is to load until returns and accounts exist.");
    }
    db.close().await;
    Ok(())
}
