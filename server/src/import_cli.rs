//! `server import FILE --org CODE --fy 2013-14 [--commit --as EMAIL]`: the Import page's report
//! on the command line, with a progress bar on large files.

use crate::config::Config;
use anyhow::{anyhow, bail, Context};
use app::domain::FinancialYear;
use app::import::reader::{self, Limits};
use app::import::spend::{self, Target};
use app::model::import::{ChangeKind, Problem};
use app::services::import::{compare, sha256_hex};
use app::services::returns::{ImportedFile, ReturnRef};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

fn print_problems(title: &str, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    println!("\n{title} ({}):", problems.len());
    for p in problems {
        println!("  {}: found {}; expected {}", p.cell, p.found, p.expected);
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn run(
    config: &Config,
    file: &Path,
    org: &str,
    fy: &str,
    commit: bool,
    as_user: Option<&str>,
) -> anyhow::Result<()> {
    let fy: FinancialYear = fy
        .parse()
        .map_err(|_| anyhow!("--fy: {fy:?} is not a financial year like 2013-14"))?;
    if commit && as_user.is_none() {
        bail!("--commit needs --as EMAIL: the finance officer the import is recorded against");
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let db = crate::connect_and_migrate(config).await?;
    let body = app::services::organisations::get(&db, org)
        .await
        .map_err(|e| anyhow!("--org: {e}"))?;
    let known = app::services::import::known_orgs(&db)
        .await
        .map_err(|e| anyhow!("{e}"))?;

    let spinner = ProgressBar::new_spinner().with_message(format!("Reading {file_name}"));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let (parsed, rows) = {
        let (name, body_name, org) = (file_name.clone(), body.summary.name.clone(), org.to_owned());
        let bytes = bytes.clone();
        let spinner = spinner.clone();
        tokio::task::spawn_blocking(move || {
            let is_known = |code: &str| known.contains(code);
            let target = Target {
                org_code: &org,
                org_name: &body_name,
                fy,
                is_known_org: &is_known,
            };
            match reader::read(&name, &bytes, &Limits::default()) {
                Err(e) => (
                    app::services::import::analyse(
                        &name,
                        &bytes,
                        &target,
                        &Limits::default(),
                        &mut |_| {},
                    ),
                    Err(e),
                ),
                Ok(book) => {
                    let total = book.sheets.iter().map(|s| s.rows.len()).max().unwrap_or(0);
                    spinner.finish_and_clear();
                    let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
                    if let Ok(style) =
                        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows")
                    {
                        bar.set_style(style);
                    }
                    bar.set_message("Checking");
                    let parsed = spend::parse(&book, &target, &mut |done| {
                        bar.set_position(u64::try_from(done).unwrap_or(0));
                    });
                    bar.finish_and_clear();
                    (parsed, Ok(total))
                }
            }
        })
        .await?
    };
    spinner.finish_and_clear();
    let key = ReturnRef { org_code: org, fy };
    let (status, stored, last_year) = app::services::returns::stored_for_import(&db, &key)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let (changes, mut warnings, blocked) = compare(&parsed, status, &stored.lines, &last_year, fy);
    let income = app::model::import::IncomeChange::of(stored.income.clone(), parsed.income.clone());
    warnings.extend(
        app::services::import::blank_warnings(&db, org, &parsed)
            .await
            .map_err(|e| anyhow!("{e}"))?,
    );
    let refusal = app::services::import::year_refusal(&db, &key)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if let Some(text) = refusal {
        db.close().await;
        bail!("--fy: {text}");
    }
    let errors: Vec<Problem> = parsed.errors().cloned().collect();

    println!("{file_name} for {} ({org}), {fy}", body.summary.name);
    println!("SHA-256 {}", sha256_hex(&bytes));
    if let Ok(rows) = rows {
        println!(
            "{rows} rows in the sheet {:?}: {} imported, {} blank, {} total rows skipped",
            parsed.sheet,
            parsed.rows_imported,
            parsed.blank_rows,
            parsed.total_rows.len()
        );
    }
    print_problems(
        "Errors (nothing can be imported until they are fixed)",
        &errors,
    );
    print_problems("Warnings", &warnings);
    println!("\nWhat would change:");
    let kind_of = |kind: ChangeKind| match kind {
        ChangeKind::New => "new",
        ChangeKind::Changed => "changed",
        ChangeKind::Unchanged => "unchanged",
        ChangeKind::Removed => "removed",
    };
    for c in &changes {
        let kind = kind_of(c.kind);
        let total = |l: &Option<app::domain::spend_line::SpendLine>| {
            l.as_ref()
                .and_then(app::domain::spend_line::SpendLine::total)
                .map(|m| m.to_string())
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "  {:<45} {kind:<9} {:>18} -> {:>18}",
            c.category.name(),
            total(&c.before),
            total(&c.after)
        );
    }
    if let Some(c) = &income {
        let total = |i: &Option<app::domain::income::Income>| {
            i.as_ref()
                .and_then(app::domain::income::Income::total)
                .map(|m| m.to_string())
                .unwrap_or_else(|| "-".into())
        };
        println!(
            "  {:<45} {:<9} {:>18} -> {:>18}  (recorded, never netted from spend)",
            "Income",
            kind_of(c.kind),
            total(&c.before),
            total(&c.after)
        );
    }
    if let Some(reason) = &blocked {
        println!("\n{reason}");
    }
    if !commit {
        db.close().await;
        if !errors.is_empty() {
            bail!("the file has {} errors", errors.len());
        }
        println!("\nChecked only. Add --commit --as EMAIL to import.");
        return Ok(());
    }
    if !errors.is_empty() {
        db.close().await;
        bail!("the file has {} errors; nothing was imported", errors.len());
    }
    if let Some(reason) = blocked {
        db.close().await;
        bail!("{reason}");
    }
    let email: app::domain::Email = as_user
        .unwrap_or_default()
        .parse()
        .map_err(|e: app::domain::ParseError| anyhow!("--as: {e}"))?;
    let record = app::db::users::find_by_email(db.pool(), &email)
        .await?
        .ok_or_else(|| anyhow!("--as: there is no account {email}"))?;
    let user = app::db::users::current_user(db.pool(), record.id)
        .await?
        .ok_or_else(|| anyhow!("--as: the account {email} is disabled"))?;
    let actor = app::access::Actor::new(
        user,
        app::access::Client {
            addr: "command line".into(),
        },
    );
    let sha = sha256_hex(&bytes);
    let result = async {
        app::services::returns::import_lines(
            &db,
            &actor.write_body(key.org_code)?,
            key.fy,
            &parsed.figures(),
            &ImportedFile {
                file_name: &file_name,
                sha256: &sha,
                size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                upload_id: None,
            },
        )
        .await
    }
    .await;
    db.close().await;
    let (view, changed) = result.map_err(|e| anyhow!("{e}"))?;
    if changed {
        println!(
            "\nImported into version {} of the {fy} return ({} lines).",
            view.version,
            view.lines.len()
        );
    } else {
        println!("\nThe return already holds these figures: nothing changed.");
    }
    Ok(())
}
