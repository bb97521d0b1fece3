//! The import benchmark (see docs/PERFORMANCE.md).
//!
//!   bench-import generate FILE [ROWS]   write an xlsx return of ROWS ledger lines (default 100000)
//!   bench-import run FILE                parse, validate and commit FILE into a fresh SQLite
//!                                        database; print each phase's time and the peak memory
#![allow(clippy::print_stdout, reason = "a command-line tool reports on stdout")]

use anyhow::{anyhow, bail, Context};
use app::domain::{FinancialYear, Role, SpendCategory};
use app::import::reader::{self, Limits};
use app::import::spend::{self, Target};
use app::services::returns::ImportedFile;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let path = args.get(2).context("generate FILE [ROWS]")?;
            let rows: u32 = args.get(3).map_or(Ok(100_000), |r| r.parse())?;
            generate(path, rows)
        }
        Some("run") => {
            let path = args.get(2).context("run FILE")?;
            tokio::runtime::Runtime::new()?.block_on(run(path))
        }
        _ => bail!("usage: bench-import generate FILE [ROWS] | bench-import run FILE"),
    }
}

/// Ledger lines for Fife Council, 2013-14: a title, the header, then ROWS lines cycling through
/// the categories, with dates, amounts in pounds and pence, FTE on staff rows and notes.
fn generate(path: &str, rows: u32) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Spend")?;
    sheet.write_string(0, 0, "Fife Council ICT spend 2013-14 (benchmark)")?;
    let header = [
        "Organisation",
        "Financial year",
        "Date",
        "Category",
        "Capital (£)",
        "Revenue (£)",
        "FTE",
        "Note",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, u16::try_from(c)?, *h)?;
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let start = rust_xlsxwriter::ExcelDateTime::from_ymd(2013, 4, 1)?;
    for i in 0..rows {
        let r = i + 3;
        let category = SpendCategory::ALL[usize::try_from(i)? % SpendCategory::ALL.len()];
        sheet.write_string(r, 0, "council-fife")?;
        sheet.write_string(r, 1, "2013-14")?;
        let day = rust_xlsxwriter::ExcelDateTime::from_serial_datetime(
            start.to_excel() + f64::from(i % 365),
        )?;
        sheet.write_datetime_with_format(r, 2, &day, &date)?;
        sheet.write_string(r, 3, category.code())?;
        // Whole pence, varied: 1.23 … 9,999.99.
        let pence = f64::from((i * 7919) % 999_900 + 123);
        if category == SpendCategory::Other {
            sheet.write_number(r, 5, -pence / 100.0)?;
        } else if i % 3 == 0 {
            sheet.write_number(r, 4, pence / 100.0)?;
        } else {
            sheet.write_number(r, 5, pence / 100.0)?;
        }
        if category == SpendCategory::StaffCost {
            sheet.write_number(r, 6, 0.5)?;
        }
        if i % 10 == 0 {
            sheet.write_string(r, 7, format!("Invoice {i}"))?;
        }
    }
    book.save(path)?;
    println!("wrote {path}: {rows} ledger lines");
    Ok(())
}

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
async fn run(path: &str) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}?mode=rwc", dir.path().join("bench.db").display());
    let db = app::db::Db::connect(&url, 4).await?;
    db.migrate().await?;
    app::services::fixtures::ReferenceData::parse(
        &app::services::fixtures::FixtureFiles::embedded(),
    )
    .map_err(|e| anyhow!("{e}"))?
    .write(&db)
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let client = app::services::auth::Client {
        addr: "bench".into(),
    };
    app::services::auth::create_user(
        &db,
        app::services::auth::CreateUser {
            email: "bench@fife.gov.uk".into(),
            display_name: "Bench".into(),
            role: Role::Officer,
            organisations: vec!["council-fife".into()],
            password: "a long benchmark password".into(),
        },
        None,
        &client,
    )
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = 'bench@fife.gov.uk'")
        .fetch_one(db.pool())
        .await?;
    let user = app::db::users::current_user(db.pool(), id)
        .await?
        .context("the bench user")?;
    let fy: FinancialYear = "2013-14".parse().map_err(|e| anyhow!("{e}"))?;

    let total = Instant::now();
    let bytes = std::fs::read(path)?;
    let t = Instant::now();
    let book = reader::read(path, &bytes, &Limits::default()).map_err(|e| anyhow!("{e}"))?;
    let read_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let known = |code: &str| code == "council-fife";
    let target = Target {
        org_code: "council-fife",
        org_name: "Fife Council",
        fy,
        is_known_org: &known,
    };
    let parsed = spend::parse(&book, &target, &mut |_| {});
    let parse_s = t.elapsed().as_secs_f64();
    if parsed.has_errors() {
        bail!(
            "the benchmark file has errors: {:?}",
            parsed.problems.first()
        );
    }
    let t = Instant::now();
    let actor = app::access::Actor::new(user, client);
    let write = actor
        .write_body("council-fife")
        .map_err(|e| anyhow!("{e}"))?;
    let sha = app::services::import::sha256_hex(&bytes);
    let (view, changed) = app::services::returns::import_lines(
        &db,
        &write,
        fy,
        &parsed.figures(),
        &ImportedFile {
            file_name: path,
            sha256: &sha,
            size_bytes: i64::try_from(bytes.len())?,
            upload_id: None,
        },
    )
    .await
    .map_err(|e| anyhow!("{e}"))?;
    let commit_s = t.elapsed().as_secs_f64();
    let total_s = total.elapsed().as_secs_f64();
    anyhow::ensure!(
        changed && view.lines.len() == SpendCategory::ALL.len(),
        "the import was stored"
    );
    println!(
        "file: {path} ({} bytes), {} ledger lines imported",
        bytes.len(),
        parsed.rows_imported
    );
    println!("read (calamine): {read_s:.3} s");
    println!("parse and validate: {parse_s:.3} s");
    println!("commit (SQLite, one transaction, with SHA-256 and audit): {commit_s:.3} s");
    println!("total: {total_s:.3} s");
    println!("peak RSS: {:.1} MiB", peak_rss_mib());
    db.close().await;
    Ok(())
}
