//! The raw SQL the programme dashboard runs, for the benchmark to compare with.

use crate::db::Db;
use crate::domain::Sector;

/// The raw SQL the programme dashboard runs when it computes (not cached), once each, for the
/// benchmark, which compares a page's latency with it: the savings engine's inputs (bodies,
/// successions, baselines, deflators, trajectory, settings, the review's figures); the sector
/// sums for the nation and each sector; the counted body-years; one year's facts per body,
/// explanations and provisional returns; the initiatives; the sites, GHG factors and
/// consolidation targets; the catalogue and adoptions; a year's returns and the bodies.
#[tracing::instrument(skip_all)]
pub async fn raw_sql(db: &Db) -> Result<Vec<(&'static str, f64)>, crate::db::DbError> {
    use crate::db::savings::{self as store, Scope};
    let mut times = Vec::new();
    let mut lap = std::time::Instant::now();
    let mut mark = |name: &'static str| {
        times.push((name, lap.elapsed().as_secs_f64() * 1000.0));
        lap = std::time::Instant::now();
    };
    let mut conn = db.pool().acquire().await?;
    store::deflators(&mut conn).await?;
    store::bodies(&mut conn).await?;
    store::successions(&mut conn).await?;
    store::trajectory(&mut conn).await?;
    store::setting(&mut conn, "profile").await?;
    store::setting(&mut conn, "method").await?;
    crate::db::reference::baselines(&mut conn, 2008).await?;
    mark("bodies, successions, deflators, trajectory, settings");
    store::latest_baselines(&mut conn, None).await?;
    mark("every body's baseline");
    let all = Scope {
        sector: None,
        org: None,
    };
    store::fact_sums(&mut conn, &all).await?;
    for s in Sector::ALL {
        let scope = Scope {
            sector: Some(s.code().to_owned()),
            org: None,
        };
        store::fact_sums(&mut conn, &scope).await?;
    }
    mark("sector sums, national and each sector");
    // The bodies' table is of the latest year with counted returns.
    let counted = store::counted_by_year(&mut conn, &all).await?;
    mark("counted bodies by year");
    if let Some((year, ..)) = counted.last().copied() {
        store::fact_sums_by_org(&mut conn, &all, year).await?;
        mark("one year's facts per body");
        store::target_explanations_in_year(&mut conn, year).await?;
        store::provisional_in_year(&mut conn, &all, year).await?;
        mark("explanations, provisional returns");
        crate::db::returns::latest_returns(&mut conn, Some(i64::from(year.start_year())), None)
            .await?;
        mark("the year's returns");
    }
    store::initiatives(&mut conn, &all).await?;
    mark("initiatives");
    crate::db::estate::sites(&mut conn, None, None).await?;
    crate::db::estate::ghg_factors(&mut conn).await?;
    crate::db::estate::consolidation_targets(&mut conn).await?;
    mark("sites, GHG factors, consolidation targets");
    crate::db::shared::services(&mut conn).await?;
    crate::db::shared::adoption_counts(&mut conn).await?;
    mark("catalogue, adoptions by service, sector and stage");
    drop(conn);
    crate::db::organisations::list(
        db.pool(),
        &crate::db::organisations::OrgFilter {
            sector: None,
            name_contains: None,
        },
    )
    .await?;
    mark("organisations");
    Ok(times)
}
