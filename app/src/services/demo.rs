//! Demo spend data for `server seed --demo`: synthetic baselines and approved returns, so that a
//! newcomer sees the savings engine at work. NOT REAL FIGURES: every amount is generated from
//! the body's code, and every baseline's reason says so.
//!
//! What it makes: a 2008-09 baseline for each council, territorial NHS board, police force and
//! fire and rescue service (and the two police agencies that merged in 2013), and returns for
//! 2012-13 to 2016-17 for the bodies that existed in each year — so Police Scotland and the
//! Scottish Fire and Rescue Service report from 2013-14 against their predecessors' baselines.
//! Fife Council's 2016-17 return is submitted but not approved (provisional). Seeding twice
//! changes nothing.

use crate::db::audit::{self, AuditEntry};
use crate::db::savings as store;
use crate::db::{returns, Db, DbError};
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, Money, ReturnStatus, SpendCategory};
use crate::model::audit::AuditAction;
use crate::services::auth::now;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The reason every demo baseline carries.
pub use crate::db::savings::DEMO_REASON;

/// The kinds of body that get demo data.
const KINDS: [&str; 5] = [
    "Council",
    "Territorial NHS board",
    "Police force",
    "Fire and rescue service",
    "Police body",
];

/// FNV-1a: a stable number from a body's code (the same on every machine and run).
pub(crate) fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Per mille of the total in each category: the review's cost groups (external £875m, staff
/// £250m, other £275m of £1.4bn) spread over the categories.
const SHARES: [(SpendCategory, i64); 9] = [
    (SpendCategory::Hardware, 160),
    (SpendCategory::Software, 150),
    (SpendCategory::IctServices, 200),
    (SpendCategory::TelecomsAndNetwork, 115),
    (SpendCategory::StaffCost, 179),
    (SpendCategory::AccommodationAndFacilities, 70),
    (SpendCategory::Energy, 60),
    (SpendCategory::CapitalFinancing, 46),
    (SpendCategory::Other, 20),
];

fn split(total_pounds: i64) -> BTreeMap<SpendCategory, Money> {
    SHARES
        .iter()
        .map(|(c, per_mille)| (*c, Money::from_pence(total_pounds * per_mille / 1000 * 100)))
        .collect()
}

/// A body's synthetic baseline total in pounds (whole thousands).
fn baseline_pounds(code: &str, kind: &str) -> i64 {
    let h = hash(code);
    let (low, span) = match kind {
        "Council" => (4_000, 22_000),
        "Territorial NHS board" => (6_000, 30_000),
        _ => (1_000, 6_000),
    };
    (low + i64::try_from(h % span).unwrap_or(0)) * 1_000
}

/// Spend in a year as per mille of the baseline: falling by a body-specific pace, and for one
/// body in seven rising instead (so some bodies miss their targets).
fn spend_per_mille(code: &str, year: i32) -> i64 {
    let h = hash(code);
    let years = i64::from(year - 2011);
    let pace = 20 + i64::try_from((h >> 16) % 40).unwrap_or(0); // 2.0% to 5.9% a year
    if h.is_multiple_of(7) {
        1000 + 15 * years
    } else {
        1000 - pace * years
    }
}

/// Writes the demo data unless it is there already; returns the number of returns written.
#[tracing::instrument(skip_all, fields(admin_user))]
#[expect(
    clippy::too_many_lines,
    reason = "demo data: one generator, read top to bottom"
)]
pub async fn seed(db: &Db, admin_user: i64) -> Result<usize, DbError> {
    let mut tx = db.begin().await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM baselines WHERE reason = $1")
        .bind(DEMO_REASON)
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let bodies: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, code, kind FROM organisations ORDER BY code")
            .fetch_all(&mut *tx)
            .await?;
    let all = store::bodies(&mut tx).await?;
    let baseline_year = FinancialYear::mcclelland_baseline();
    let mut written = 0;
    let mut ids = Vec::new();
    for (id, code, kind) in bodies
        .iter()
        .filter(|(_, _, kind)| KINDS.contains(&kind.as_str()))
    {
        let Some(row) = all.iter().find(|b| b.id == *id) else {
            continue;
        };
        let pounds = baseline_pounds(code, kind);
        // Bodies created in 2013 inherit their baselines; only bodies of 2008-09 record one.
        if row.exists_in(baseline_year) {
            store::insert_baseline(
                &mut tx,
                &store::NewBaseline {
                    org: *id,
                    version: 1,
                    year: baseline_year,
                    reason: DEMO_REASON,
                    amounts: &split(pounds),
                    at: now(),
                    user: admin_user,
                    status: "approved",
                },
            )
            .await?;
        }
        for year in 2012..=2016 {
            let Ok(fy) = FinancialYear::starting(year) else {
                continue;
            };
            if !row.exists_in(fy) {
                continue;
            }
            // A successor's spend follows the sum of its predecessors' baselines.
            let base = if row.exists_in(baseline_year) {
                pounds
            } else {
                let preds: Vec<i64> = sqlx::query_scalar("SELECT predecessor_id FROM organisation_successions WHERE successor_id = $1 AND kind = 'merger'")
                    .bind(*id)
                    .fetch_all(&mut *tx)
                    .await?;
                bodies
                    .iter()
                    .filter(|(pid, _, _)| preds.contains(pid))
                    .map(|(_, c, k)| baseline_pounds(c, k))
                    .sum()
            };
            if base == 0 {
                continue;
            }
            let total = base * spend_per_mille(code, year) / 1000;
            let lines: Vec<SpendLine> = split(total)
                .into_iter()
                .map(|(category, amount)| {
                    // A fifth of hardware is capital; everything else revenue.
                    let capital = if category == SpendCategory::Hardware {
                        Money::from_pence(amount.pence() / 5)
                    } else {
                        Money::ZERO
                    };
                    SpendLine {
                        category,
                        capital,
                        revenue: amount.checked_sub(capital).unwrap_or(amount),
                        fte: (category == SpendCategory::StaffCost)
                            .then(|| Decimal::from(amount.pence() / 100 / 45_000)),
                        note: None,
                    }
                })
                .collect();
            let return_id =
                returns::insert(&mut tx, *id, i64::from(year), 1, now(), admin_user).await?;
            returns::replace_lines(&mut tx, return_id, &lines).await?;
            let provisional = code == "council-fife" && year == 2016;
            returns::update_status(
                &mut tx,
                return_id,
                1,
                ReturnStatus::Submitted,
                None,
                now(),
                admin_user,
            )
            .await?;
            if !provisional {
                returns::update_status(
                    &mut tx,
                    return_id,
                    2,
                    ReturnStatus::Approved,
                    None,
                    now(),
                    admin_user,
                )
                .await?;
            }
            written += 1;
        }
        ids.push(*id);
    }
    audit::record(
        &mut tx,
        &AuditEntry {
            actor_user_id: Some(admin_user),
            ..AuditEntry::unattributed("command line", AuditAction::DemoDataSeeded, "demo")
                .at(now())
                .after(serde_json::json!({ "bodies": ids.len(), "returns": written }))
        },
    )
    .await?;
    crate::services::savings::refresh(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(written)
}
