//! The read model (`savings_body_years`, `savings_facts`): which return counts for each
//! body-year, kept current in the transaction of every change that affects it.

use crate::db::savings::{self as store, BodyYearRow};
use crate::db::{returns, Db, DbError};
use crate::domain::savings::counting;
use crate::domain::savings::{effective_baselines, Actual, EffectiveBaseline};
use crate::domain::{FinancialYear, Money, OrgId, ReturnStatus, SpendCategory};
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};

// ---------------------------------------------------------------- read model

/// Every body downstream of `orgs` through successions, with `orgs` themselves.
pub(super) fn descendants(
    orgs: &[i64],
    successions: &[crate::domain::savings::Succession],
) -> BTreeSet<i64> {
    let mut out: BTreeSet<i64> = orgs.iter().copied().collect();
    let mut frontier: Vec<i64> = orgs.to_vec();
    while let Some(org) = frontier.pop() {
        for s in successions.iter().filter(|s| s.predecessor.0 == org) {
            if out.insert(s.successor.0) {
                frontier.push(s.successor.0);
            }
        }
    }
    out
}

/// Every body upstream of `orgs`, with `orgs` themselves.
pub(super) fn ancestors(
    orgs: &BTreeSet<i64>,
    successions: &[crate::domain::savings::Succession],
) -> Vec<i64> {
    let mut out = orgs.clone();
    let mut frontier: Vec<i64> = orgs.iter().copied().collect();
    while let Some(org) = frontier.pop() {
        for s in successions.iter().filter(|s| s.successor.0 == org) {
            if out.insert(s.predecessor.0) {
                frontier.push(s.predecessor.0);
            }
        }
    }
    out.into_iter().collect()
}

/// Which return counts for each year: the latest approved version, else the latest submitted.
pub(crate) fn counted_returns(
    all: Vec<store::CountableReturn>,
) -> BTreeMap<FinancialYear, (store::CountableReturn, bool)> {
    let mut out: BTreeMap<FinancialYear, (store::CountableReturn, bool)> = BTreeMap::new();
    for r in all {
        let provisional = r.status != ReturnStatus::Approved;
        let better = match out.get(&r.year) {
            None => true,
            Some((current, current_provisional)) => {
                (*current_provisional && !provisional)
                    || (*current_provisional == provisional && r.version > current.version)
            }
        };
        if better {
            out.insert(r.year, (r, provisional));
        }
    }
    out
}

/// Recomputes the read model of `orgs` and of every body that inherits from them, inside the
/// caller's transaction, with the sector sums.
#[tracing::instrument(skip_all)]
pub async fn refresh(conn: &mut AnyConnection, orgs: &[i64]) -> Result<(), DbError> {
    refresh_bodies(conn, orgs, true).await?;
    store::prune_sector_sums(conn).await
}

/// `refresh`; `move_sums` keeps the sector sums in step body by body (otherwise the caller
/// rebuilds them).
pub(super) async fn refresh_bodies(
    conn: &mut AnyConnection,
    orgs: &[i64],
    move_sums: bool,
) -> Result<(), DbError> {
    let successions = store::successions(&mut *conn).await?;
    let affected = descendants(orgs, &successions);
    let needed = ancestors(&affected, &successions);
    let recorded = store::latest_baselines(&mut *conn, Some(&needed)).await?;
    let (baselines, _) = effective_baselines(&recorded, &successions);
    let lifetimes: HashMap<i64, crate::domain::Lifetime> = store::bodies(&mut *conn)
        .await?
        .iter()
        .map(|b| (b.id, b.lifetime()))
        .collect();
    for org in affected {
        let lifetime = lifetimes.get(&org).copied().unwrap_or_default();
        if move_sums {
            store::move_sector_sums(&mut *conn, org, -1).await?;
        }
        store::clear_read_model(&mut *conn, org).await?;
        let countable = store::countable_returns(&mut *conn, org).await?;
        for (year, (r, provisional)) in counted_returns(countable) {
            let lines = returns::lines(&mut *conn, r.id).await?;
            let amounts: BTreeMap<SpendCategory, Money> = lines
                .iter()
                .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
                .collect();
            let actual = Actual {
                org: OrgId(org),
                year,
                return_id: r.id,
                version: r.version,
                provisional,
                amounts,
            };
            let baseline = baselines.get(&OrgId(org));
            let counted = counting::count(&lifetime, baseline, &actual);
            let actual_total = Money::sum(actual.amounts.values().copied()).unwrap_or(Money::ZERO);
            let row = BodyYearRow {
                org_id: org,
                year,
                return_id: r.id,
                return_version: r.version,
                provisional,
                baseline: baseline.map_or(Money::ZERO, EffectiveBaseline::total),
                actual: actual_total,
                not_counted: counted.as_ref().err().cloned(),
            };
            store::insert_body_year(&mut *conn, &row).await?;
            for fact in counted.unwrap_or_default() {
                store::insert_fact(&mut *conn, &fact).await?;
            }
        }
        if move_sums {
            store::move_sector_sums(&mut *conn, org, 1).await?;
        }
    }
    Ok(())
}

/// A body's effective baseline (its own, or what it inherits), read on the caller's connection.
#[tracing::instrument(skip_all, fields(org))]
pub(crate) async fn effective_baseline_of(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Option<EffectiveBaseline>, DbError> {
    let successions = store::successions(&mut *conn).await?;
    let needed = ancestors(&BTreeSet::from([org]), &successions);
    let recorded = store::latest_baselines(&mut *conn, Some(&needed)).await?;
    let (mut baselines, _) = effective_baselines(&recorded, &successions);
    Ok(baselines.remove(&OrgId(org)))
}

/// Rebuilds the whole read model (after seeding, or by `server refresh-savings`).
#[tracing::instrument(skip_all)]
pub async fn refresh_all(db: &Db) -> Result<usize, DbError> {
    let mut tx = db.begin().await?;
    let ids: Vec<i64> = store::bodies(&mut tx).await?.iter().map(|b| b.id).collect();
    refresh_bodies(&mut tx, &ids, false).await?;
    store::rebuild_sector_sums(&mut tx).await?;
    tx.commit().await?;
    Ok(ids.len())
}
