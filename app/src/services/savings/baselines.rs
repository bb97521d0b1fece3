//! A body's baselines: proposing, restating and deciding them, and explaining a missed target.

use crate::access::{Office, ReadBody, WriteBody};
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store};
use crate::db::{returns, Db, DbError};
use crate::domain::savings::counting;
use crate::domain::savings::spend::to_money;
use crate::domain::savings::{effective_baselines, Actual};
use crate::domain::{FinancialYear, Money, OrgId, SpendCategory};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::savings::*;
use crate::services::auth::now;
use crate::services::body_row;
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap};

use super::baseline_form::{parse_baseline_form, BaselineCommand};
use super::engine::Engine;
use super::read_model::{ancestors, counted_returns, descendants, refresh};
use super::successions::checked_note;

// ---------------------------------------------------------------- baselines

/// A body's baseline versions and the form to record a new one; `from` prefills the form with
/// the totals of the body's return for that year.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code(), ?from))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn baseline_page(
    db: &Db,
    read: &ReadBody<'_>,
    from: Option<&str>,
) -> Result<BaselinePage, AppError> {
    let actor = read.actor();
    let code = read.code();
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = body_row(&mut conn, code).await?;
    let versions = store::baseline_versions(&mut conn, org.id).await?;
    let may_decide = actor.is_office();
    let mut effects: HashMap<i64, Vec<BaselineEffectRow>> = HashMap::new();
    if may_decide {
        for v in versions.iter().filter(|v| v.status == "proposed") {
            effects.insert(
                v.version,
                baseline_effect(&mut conn, org.id, &v.recorded()).await?,
            );
        }
    }
    let engine = Engine::load(&mut conn, None, None).await?;
    let inherited = engine
        .baselines
        .get(&OrgId(org.id))
        .filter(|b| !b.is_own(OrgId(org.id)))
        .map(|b| engine.sources(b))
        .unwrap_or_default();
    let latest = versions.last();
    let default_year = latest.map(|v| v.year).unwrap_or_else(|| {
        let review = FinancialYear::mcclelland_baseline();
        match org
            .start_date
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            // A body that did not exist in 2008-09 uses its first full year.
            Some(start) if start > review.first_day() => FinancialYear::containing(start)
                .ok()
                .and_then(|y| {
                    if start == y.first_day() {
                        Some(y)
                    } else {
                        y.next()
                    }
                })
                .unwrap_or(review),
            _ => review,
        }
    });
    let mut form_year = default_year;
    let mut form: BTreeMap<SpendCategory, Money> =
        latest.map(|v| v.amounts.clone()).unwrap_or_default();
    let mut prefill_note = None;
    if let Some(text) = from.filter(|f| !f.is_empty()) {
        let year: FinancialYear = text
            .parse()
            .map_err(|e: crate::domain::ParseError| AppError::validation("from", e.to_string()))?;
        let record = returns::latest(&mut conn, org.id, i64::from(year.start_year()))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("A {year} return for {}", org.name)))?;
        let lines = returns::lines(&mut conn, record.id).await?;
        form = lines
            .iter()
            .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
            .collect();
        form_year = year;
        prefill_note = Some(format!(
            "The form holds the totals (capital plus revenue) of the {year} return, version {} ({}). Check them, give a reason and record them as the baseline.",
            record.version,
            record.status.code()
        ));
    }
    let format_amount =
        |m: Option<&Money>| m.map(|m| m.as_decimal().to_string()).unwrap_or_default();
    Ok(BaselinePage {
        code: org.code.clone(),
        name: org.name.clone(),
        versions: versions
            .iter()
            .rev()
            .map(|v| BaselineVersionView {
                version: v.version,
                year: v.year,
                reason: v.reason.clone(),
                recorded_at: chrono::DateTime::from_timestamp(v.created_at, 0)
                    .map(|d| d.format("%-d %B %Y %H:%M UTC").to_string())
                    .unwrap_or_default(),
                recorded_by: v.created_by.clone(),
                amounts: SpendCategory::ALL
                    .iter()
                    .filter_map(|c| {
                        v.amounts
                            .get(c)
                            .map(|m| (c.code().to_owned(), c.name().to_owned(), *m))
                    })
                    .collect(),
                total: Money::sum(v.amounts.values().copied()).unwrap_or(Money::ZERO),
                status: v.status.clone(),
                decision_reason: v.decision_reason.clone(),
                effect: effects.get(&v.version).cloned().unwrap_or_default(),
            })
            .collect(),
        inherited,
        may_record: actor.can_write_body(code),
        may_decide,
        form_year,
        form_amounts: SpendCategory::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_owned(),
                    c.name().to_owned(),
                    format_amount(form.get(c)),
                )
            })
            .collect(),
        prefill_note,
    })
}

/// Records a new version of a body's baseline: every amount and the reason, checked; the
/// read model of the body and its successors is refreshed in the same transaction.
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code()))]
pub async fn record_baseline(
    db: &Db,
    write: &WriteBody<'_>,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let BaselineCommand {
        year,
        amounts,
        reason,
    } = parse_baseline_form(form).map_err(|errors| AppError::refused_form(errors, form))?;
    let reason = reason.as_str();
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let versions = store::baseline_versions(&mut tx, org.id).await?;
    let previous = versions.last();
    let version = previous.map_or(1, |v| v.version + 1);
    let id = store::insert_baseline(
        &mut tx,
        &store::NewBaseline {
            org: org.id,
            version,
            year,
            reason,
            amounts: &amounts,
            at: now(),
            user: user.id,
            status: "proposed",
        },
    )
    .await?;
    let describe = |year: FinancialYear, amounts: &BTreeMap<SpendCategory, Money>| {
        serde_json::json!({
            "year": year.to_string(),
            "amounts": amounts.iter().map(|(c, m)| (c.code().to_owned(), m.to_string())).collect::<BTreeMap<_, _>>(),
        })
    };
    audit::record(
        &mut tx,
        &AuditEntry {
            before: previous.map(|p| describe(p.year, &p.amounts)),
            ..AuditEntry::by(
                user,
                &client.addr,
                if version == 1 {
                    AuditAction::BaselineRecorded
                } else {
                    AuditAction::BaselineRestated
                },
                "baseline",
                format!("{code}/v{version}"),
            )
            .after({
                let mut after = describe(year, &amounts);
                after["reason"] = serde_json::Value::String(reason.to_owned());
                after["status"] = serde_json::Value::String("proposed".into());
                after
            })
        },
    )
    .await?;
    // A proposal counts for nothing until the programme office approves it (ADR 0010, rule 8).
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

/// What approving a proposed version would do to every year's saving already reported: for the
/// body and every body that inherits from it, nominal, per year and in total (old → new).
pub(super) async fn baseline_effect(
    conn: &mut AnyConnection,
    org: i64,
    proposed: &crate::domain::savings::RecordedBaseline,
) -> Result<Vec<BaselineEffectRow>, DbError> {
    let successions = store::successions(&mut *conn).await?;
    let affected = descendants(&[org], &successions);
    let needed = ancestors(&affected, &successions);
    let recorded = store::latest_baselines(&mut *conn, Some(&needed)).await?;
    let (now, _) = effective_baselines(&recorded, &successions);
    let mut with: Vec<_> = recorded.into_iter().filter(|r| r.org.0 != org).collect();
    with.push(proposed.clone());
    let (then, _) = effective_baselines(&with, &successions);
    let lifetimes: HashMap<i64, crate::domain::Lifetime> = store::bodies(&mut *conn)
        .await?
        .iter()
        .map(|b| (b.id, b.lifetime()))
        .collect();
    let mut by_year: BTreeMap<FinancialYear, (Option<Decimal>, Option<Decimal>)> = BTreeMap::new();
    let saving = |facts: Vec<crate::domain::savings::Fact>| -> Decimal {
        facts
            .iter()
            .map(|f| match f.role {
                crate::domain::savings::FactRole::Baseline => f.amount.as_decimal(),
                crate::domain::savings::FactRole::Actual => -f.amount.as_decimal(),
            })
            .sum()
    };
    for body in affected {
        let lifetime = lifetimes.get(&body).copied().unwrap_or_default();
        for (year, (r, provisional)) in
            counted_returns(store::countable_returns(&mut *conn, body).await?)
        {
            let lines = returns::lines(&mut *conn, r.id).await?;
            let actual = Actual {
                org: OrgId(body),
                year,
                return_id: r.id,
                version: r.version,
                provisional,
                amounts: lines
                    .iter()
                    .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
                    .collect(),
            };
            let before = counting::count(&lifetime, now.get(&OrgId(body)), &actual)
                .ok()
                .map(saving);
            let after = counting::count(&lifetime, then.get(&OrgId(body)), &actual)
                .ok()
                .map(saving);
            let entry = by_year.entry(year).or_default();
            if let Some(b) = before {
                *entry.0.get_or_insert(Decimal::ZERO) += b;
            }
            if let Some(a) = after {
                *entry.1.get_or_insert(Decimal::ZERO) += a;
            }
        }
    }
    Ok(by_year
        .into_iter()
        .map(|(year, (before, after))| BaselineEffectRow {
            year,
            before: before.map(to_money),
            after: after.map(to_money),
        })
        .collect())
}

/// The programme office approves a proposed baseline version (it then counts, and the read
/// model of the body and its successors is refreshed in the same transaction) or returns it with
/// a reason (it never counts). Audited. Board packs keep the figures they were frozen with.
#[tracing::instrument(skip_all, fields(user = office.user().id, %code, version, approve))]
pub async fn decide_baseline(
    db: &Db,
    office: &Office<'_>,
    code: &str,
    version: i64,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    let reason = checked_note(
        "reason",
        "Reason",
        reason,
        (!approve).then_some(
            "Reason: say what the body must check or change before the baseline can be approved",
        ),
    )?;
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let versions = store::baseline_versions(&mut tx, org.id).await?;
    let chosen = versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| {
            AppError::NotFound(format!("Version {version} of {}'s baseline", org.name))
        })?;
    if chosen.status != "proposed" {
        return Err(AppError::Conflict(format!(
            "Version {version} of {}'s baseline is {} already: only a proposed version can be approved or returned.",
            org.name, chosen.status
        )));
    }
    if approve
        && versions
            .iter()
            .any(|v| v.status == "approved" && v.version > version)
    {
        return Err(AppError::Conflict(format!(
            "A later version of {}'s baseline is approved already: return this one instead.",
            org.name
        )));
    }
    let (status, action) = if approve {
        ("approved", AuditAction::BaselineApproved)
    } else {
        ("returned", AuditAction::BaselineReturned)
    };
    let why = Some(reason).filter(|r| !r.is_empty());
    if !store::decide_baseline(&mut tx, chosen.id, status, why, now(), user.id).await? {
        return Err(AppError::Conflict(
            "Someone decided on this version after you opened it. Reload the page.".into(),
        ));
    }
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            action,
            "baseline",
            format!("{code}/v{version}"),
        )
        .before(serde_json::json!({ "status": "proposed" }))
        .after(serde_json::json!({ "status": status, "reason": why })),
    )
    .await?;
    if approve {
        refresh(&mut tx, &[org.id]).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A body's explanation of a missed target for a year (officers of the body).
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code(), %fy))]
pub async fn explain_target(
    db: &Db,
    write: &WriteBody<'_>,
    fy: FinancialYear,
    explanation: &str,
) -> Result<(), AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let text = checked_note(
        "explanation",
        "Explanation",
        explanation,
        Some("Explanation: say why the target was missed and what the body is doing about it"),
    )?;
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let before = store::target_explanations(&mut tx, org.id)
        .await?
        .into_iter()
        .find(|e| e.0 == fy)
        .map(|e| e.1);
    store::set_target_explanation(&mut tx, org.id, fy, text, now(), user.id).await?;
    audit::record(
        &mut tx,
        &AuditEntry {
            before: before.map(|b| serde_json::json!({ "explanation": b })),
            ..AuditEntry::by(
                user,
                &client.addr,
                AuditAction::TargetExplained,
                "target",
                format!("{code}/{fy}"),
            )
            .after(serde_json::json!({ "explanation": text }))
        },
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
