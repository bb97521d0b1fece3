//! The command line: `serve` (the default), `migrate`, `seed [--demo]`.

use crate::config::Config;
use anyhow::Context;
use app::domain::Role;
use app::services::auth;
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
        /// Also create one demo account per role (admin, board, officer) and print their
        /// passwords once. Accounts that exist already are left as they are.
        #[arg(long)]
        demo: bool,
    },
    /// Create an account (the first admin of a fresh install, for instance). A password is
    /// generated and printed once, unless TRACKER_NEW_PASSWORD gives one.
    CreateUser {
        /// The e-mail address the person signs in with.
        #[arg(long)]
        email: String,
        /// admin (programme office), board (programme board) or officer (finance officer).
        #[arg(long)]
        role: String,
        /// The person's name as shown in the tracker (default: the e-mail address).
        #[arg(long)]
        name: Option<String>,
        /// An organisation code the officer belongs to; repeat for several.
        #[arg(long = "org")]
        orgs: Vec<String>,
    },
    /// Write a consistent copy of the SQLite database to a new file, safely while the server
    /// is running, and check the copy. (PostgreSQL: use pg_dump; see the README.)
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Check a SQLite database's integrity (after a restore, for instance) and count its rows.
    Check,
    /// Check a spreadsheet return (xlsx, xlsm, xls, ods, csv) for a body and year and print the
    /// same report as the Import page; with --commit, import it (as the officer named by --as).
    Import {
        /// The spreadsheet file.
        file: PathBuf,
        /// The organisation code, e.g. council-fife.
        #[arg(long)]
        org: String,
        /// The financial year, e.g. 2013-14.
        #[arg(long)]
        fy: String,
        /// Import the figures if the file has no errors (warnings are acknowledged by this flag).
        #[arg(long)]
        commit: bool,
        /// The e-mail of the body's finance officer the import is recorded against (with --commit).
        #[arg(long = "as")]
        as_user: Option<String>,
    },
    /// Fill the database with a synthetic dataset for performance tests (ten times Scotland's
    /// size by default). Refused if synthetic bodies exist already. NOT REAL FIGURES.
    GenerateSynthetic {
        #[arg(long, default_value_t = 2000)]
        bodies: usize,
        #[arg(long, default_value_t = 15)]
        years: usize,
        #[arg(long, default_value_t = 1500)]
        sites: usize,
        #[arg(long, default_value_t = 50)]
        services: usize,
    },
    /// Time the raw aggregation SQL the programme dashboard needs (the median of --runs runs),
    /// in milliseconds, for comparison with the page's latency.
    BenchSql {
        #[arg(long, default_value_t = 10)]
        runs: usize,
    },
}

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
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
        Command::GenerateSynthetic {
            bodies,
            years,
            sites,
            services,
        } => {
            let db = crate::connect_and_migrate(&config).await?;
            let admin = app::db::users::first_id(db.pool()).await?.ok_or_else(|| {
                anyhow::anyhow!(
                    "create an account first (create-user): the data is recorded against it"
                )
            })?;
            let size = app::services::synthetic::Size {
                bodies,
                years,
                sites,
                services,
            };
            let started = std::time::Instant::now();
            let made = app::services::synthetic::generate(&db, size, admin)
                .await
                .map_err(|e| anyhow::anyhow!("generating: {e}"))?;
            db.close().await;
            println!(
                "Synthetic data (not real figures): {} bodies, {} returns with {} lines, {} sites, {} services, {} adoptions, in {:.1} s.",
                made.bodies,
                made.returns,
                made.lines,
                made.sites,
                made.services,
                made.adoptions,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::BenchSql { runs } => {
            let db = crate::connect_and_migrate(&config).await?;
            let mut totals = Vec::new();
            let mut steps: Vec<(&str, Vec<f64>)> = Vec::new();
            for _ in 0..runs.max(1) {
                let times = app::services::dashboard::raw_sql(&db)
                    .await
                    .map_err(|e| anyhow::anyhow!("the dashboard's SQL: {e}"))?;
                totals.push(times.iter().map(|t| t.1).sum::<f64>());
                for (i, (name, ms)) in times.into_iter().enumerate() {
                    match steps.get_mut(i) {
                        Some(step) => step.1.push(ms),
                        None => steps.push((name, vec![ms])),
                    }
                }
            }
            db.close().await;
            let median = |mut v: Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            // Each step's median on stderr; the median total on stdout (for scripts).
            for (name, times) in steps {
                eprintln!("{:>9.1} ms  {name}", median(times));
            }
            println!("{:.1}", median(totals));
            Ok(())
        }
        Command::Backup { to } => {
            let db = crate::connect_and_migrate(&config).await?;
            let report = db.backup_to(&to).await;
            db.close().await;
            let report = report.map_err(|e| anyhow::anyhow!("backup: {e}"))?;
            println!(
                "Backed up {} to {}.",
                config.database_url_for_display(),
                to.display()
            );
            print_report(&report);
            Ok(())
        }
        Command::Import {
            file,
            org,
            fy,
            commit,
            as_user,
        } => crate::import_cli::run(&config, &file, &org, &fy, commit, as_user.as_deref()).await,
        Command::Check => {
            let db = crate::connect_and_migrate(&config).await?;
            let report = db.check().await;
            db.close().await;
            let report = report.map_err(|e| anyhow::anyhow!("check: {e}"))?;
            println!("{} is consistent.", config.database_url_for_display());
            print_report(&report);
            Ok(())
        }
        Command::CreateUser {
            email,
            role,
            name,
            orgs,
        } => {
            let role: Role = role
                .parse()
                .map_err(|e: app::domain::ParseError| anyhow::anyhow!("--role: {e}"))?;
            let email: app::domain::Email = email
                .parse()
                .map_err(|e: app::domain::ParseError| anyhow::anyhow!("--email: {e}"))?;
            let email = email.to_string();
            let (password, generated) = match std::env::var("TRACKER_NEW_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (auth::generate_password(), true),
            };
            let db = crate::connect_and_migrate(&config).await?;
            let new = auth::CreateUser {
                display_name: name.unwrap_or_else(|| email.clone()),
                email: email.clone(),
                role,
                organisations: orgs,
                password: password.clone(),
            };
            let created = auth::create_user(&db, new, None, &cli_client()).await;
            db.close().await;
            created.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Created the {} account {email}.", role.code());
            if generated {
                println!("Password (shown once, store it safely): {password}");
            }
            Ok(())
        }
    }
}

fn print_report(r: &app::db::BackupReport) {
    println!(
        "It holds {} organisations, {} accounts, {} returns ({} lines) and {} audit entries.",
        r.organisations, r.users, r.returns, r.return_lines, r.audit_entries
    );
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = crate::bind(&config).await?;
    let db = crate::connect_and_migrate(&config).await?;
    let options = crate::leptos_options(&config);
    let router = crate::router(
        AppState {
            db: db.clone(),
            secure_cookies: config.secure_cookies(),
            max_upload_bytes: config.max_upload_bytes,
            open_data_suppress: config.open_data_suppress.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
        },
        options,
    );
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
    let bodies = app::services::savings::refresh_all(&db).await?;
    println!("Savings read model refreshed for {bodies} bodies.");
    if demo {
        seed_demo_accounts(&db).await?;
        let admin: app::domain::Email = "admin@demo.invalid"
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let admin = app::db::users::find_by_email(db.pool(), &admin)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the demo admin account is missing"))?;
        let returns = app::services::demo::seed(&db, admin.id).await?;
        if returns > 0 {
            println!("Demo spend data (synthetic, not real figures): {returns} approved or submitted returns with 2008-09 baselines.");
        } else {
            println!("Demo spend data exists already; unchanged.");
        }
        let estate = app::services::demo_estate::seed(&db, admin.id)
            .await
            .map_err(|e| anyhow::anyhow!("demo sites and adoptions: {e}"))?;
        if estate.sites > 0 {
            println!(
                "Demo estate (synthetic): {} sites, {} of them closed, and {} shared-service adoptions.",
                estate.sites, estate.closed, estate.adoptions
            );
        } else {
            println!("Demo sites and adoptions exist already; unchanged.");
        }
    }
    db.close().await;
    Ok(())
}

fn cli_client() -> auth::Client {
    auth::Client {
        addr: "command line".to_owned(),
    }
}

/// One demo account per role; the officer belongs to Fife Council.
async fn seed_demo_accounts(db: &app::db::Db) -> anyhow::Result<()> {
    let demo = [
        ("admin@demo.invalid", "Demo Admin", Role::Admin, vec![]),
        (
            "board@demo.invalid",
            "Demo Board Member",
            Role::Board,
            vec![],
        ),
        (
            "officer@demo.invalid",
            "Demo Finance Officer",
            Role::Officer,
            vec!["council-fife".to_owned()],
        ),
    ];
    println!("Demo accounts (passwords are shown once and never stored in plain text):");
    for (email, name, role, organisations) in demo {
        let password = auth::generate_password();
        let new = auth::CreateUser {
            email: email.to_owned(),
            display_name: name.to_owned(),
            role,
            organisations,
            password: password.clone(),
        };
        match auth::create_user(db, new, None, &cli_client()).await {
            Ok(_) => println!("  {:<8} {email}  password: {password}", role.code()),
            Err(app::error::AppError::Conflict(_)) => {
                println!(
                    "  {:<8} {email}  exists already; password unchanged",
                    role.code()
                )
            }
            Err(e) => anyhow::bail!("creating {email}: {e}"),
        }
    }
    Ok(())
}
