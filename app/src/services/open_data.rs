//! Open data: aggregate datasets the programme office publishes for anyone to read, as JSON and
//! CSV, computed by the same services as the pages.
//!
//! Policy (issue 8): a dataset is aggregate (no body's return lines, no person), except the
//! data-centre list, whose sensitive fields (postcode by default; also costs, energy, servers)
//! the deployment suppresses by configuration. A dataset nobody has published is readable by the
//! board and office only (to check it before publishing); anyone else gets "not found".
//! Publishing and withdrawing are the programme office's, audited.

use crate::db::audit::{self, AuditEntry};
use crate::db::open_data as store;
use crate::db::{Db, DbError};
use crate::domain::{FinancialYear, Money, Role, Sector, SpendCategory};
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use crate::services::{estate, savings, shared};
use serde::{Deserialize, Serialize};

/// The datasets: name, title, description.
pub const DATASETS: [(&str, &str, &str); 5] = [
    (
        "savings",
        "National ICT savings by year",
        "Spend-based savings of every body with a counted return, by financial year, in cash: the bodies' baselines, their counted spend, the saving, the cumulative saving from 2012-13 and the trajectory's target.",
    ),
    (
        "savings-by-sector",
        "ICT savings by sector and year",
        "Spend-based savings by sector and financial year, in cash, with each sector's apportioned share of the trajectory's target.",
    ),
    (
        "spend",
        "ICT spend by sector, category and year",
        "Counted ICT spend (approved returns, and submitted ones counted provisionally) added up by financial year, sector and category, in cash, with the number of bodies.",
    ),
    (
        "data-centres",
        "Public-sector data centres and computer rooms",
        "Every recorded site with its body, type, ownership, status, computed PUE and virtualisation ratio; fields this deployment suppresses are left out.",
    ),
    (
        "adoption",
        "Shared-service adoption",
        "For each shared service, how many bodies are at each stage of adopting it.",
    ),
];

/// The licence the open data is published under (the software itself is MIT): the UK
/// government's standard licence for public-sector information (ADR 0010, rule 11).
pub const LICENCE: &str = "Open Government Licence v3.0";
pub const LICENCE_URL: &str =
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";
/// The attribution the licence asks re-users to give.
pub const ATTRIBUTION: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0.";

/// The fields of the data-centre list a deployment may suppress.
pub const SUPPRESSIBLE: [&str; 4] = ["postcode", "costs", "energy", "servers"];

/// A dataset as a table: JSON is one object per row, CSV the same columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenTable {
    pub name: String,
    pub title: String,
    pub description: String,
    pub published: bool,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns left out by configuration.
    pub suppressed: Vec<String>,
    /// What a reader must know to quote the figures: illustrative targets, synthetic demo
    /// data, unverified factors (ADR 0010, rule 10: labels travel with the figures).
    pub notes: Vec<String>,
}

impl OpenTable {
    pub fn to_csv(&self) -> String {
        let cell = crate::util::csv_cell;
        let mut out = self
            .columns
            .iter()
            .map(|c| cell(c))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for row in &self.rows {
            out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::Value::Object(
                    self.columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| (c.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                )
            })
            .collect();
        serde_json::json!({
            "dataset": self.name,
            "title": self.title,
            "description": self.description,
            "published": self.published,
            "suppressed": self.suppressed,
            "notes": self.notes,
            "licence": { "name": LICENCE, "url": LICENCE_URL, "attribution": ATTRIBUTION },
            "rows": rows,
        })
    }
}

pub use crate::model::dashboard::Publication;

fn dataset_of(name: &str) -> Result<(&'static str, &'static str, &'static str), AppError> {
    DATASETS
        .iter()
        .find(|(n, ..)| *n == name)
        .copied()
        .ok_or_else(|| AppError::NotFound(format!("The dataset {name:?}")))
}

/// Every dataset with its publication (anonymous callers see the published ones only).
pub async fn publications(
    db: &Db,
    user: Option<&CurrentUser>,
) -> Result<Vec<Publication>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let stored = store::publications(&mut conn).await?;
    let reviewer = user.is_some_and(|u| u.role.reads_all_organisations());
    Ok(DATASETS
        .iter()
        .map(|(name, title, description)| {
            let p = stored.iter().find(|(d, ..)| d == name);
            Publication {
                name: (*name).to_owned(),
                title: (*title).to_owned(),
                description: (*description).to_owned(),
                published: p.is_some_and(|p| p.1),
                changed: p.map(|(_, published, at, by)| {
                    let when = chrono::DateTime::from_timestamp(*at, 0)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default();
                    format!(
                        "{} {when} by {by}",
                        if *published { "Published" } else { "Withdrawn" }
                    )
                }),
            }
        })
        .filter(|p| reviewer || p.published)
        .collect())
}

/// Publishes or withdraws a dataset (the programme office).
pub async fn set_published(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    name: &str,
    published: bool,
) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let (name, ..) = dataset_of(name)?;
    let mut tx = db.begin().await?;
    let at = now();
    store::set_published(&mut tx, name, published, at, user.id).await?;
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            if published {
                "open_data_published"
            } else {
                "open_data_withdrawn"
            },
            "open_dataset",
            name,
        )
        .at(at),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// The reader open data is computed as: it reads every body's data, but only aggregates (and
/// the site list, with fields suppressed) leave this module.
fn reader() -> CurrentUser {
    CurrentUser {
        id: 0,
        email: "open-data@tracker.invalid".into(),
        display_name: "Open data".into(),
        role: Role::Board,
        organisations: Vec::new(),
    }
}

const SAVINGS_COLUMNS: [&str; 11] = [
    "financial_year",
    "baseline_gbp",
    "counted_spend_gbp",
    "saving_gbp",
    "cumulative_saving_gbp",
    "target_gbp",
    "cumulative_target_gbp",
    "bodies_counted",
    "bodies_provisional",
    "bodies_answering",
    "share_of_review_baseline",
];

fn savings_column(name: &str) -> &'static str {
    SAVINGS_COLUMNS
        .iter()
        .find(|c| **c == name)
        .copied()
        .unwrap_or("column")
}

/// A savings summary's years as a table (the open dataset and the REST API's CSV): empty
/// figures where no body's return is counted.
pub fn savings_table(s: &crate::model::savings::SavingsSummary) -> OpenTable {
    OpenTable {
        name: "savings".into(),
        title: DATASETS[0].1.into(),
        description: format!("{} Basis: {}.", DATASETS[0].2, s.basis_label),
        published: false,
        columns: SAVINGS_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
        rows: s
            .years
            .iter()
            .map(|y| {
                let counted = y.bodies_counted > 0;
                vec![
                    y.year.to_string(),
                    money(counted.then_some(y.baseline)),
                    money(counted.then_some(y.actual)),
                    money(counted.then_some(y.saving)),
                    money(y.cumulative.filter(|_| counted)),
                    money(y.target),
                    money(y.cumulative_target),
                    y.bodies_counted.to_string(),
                    y.bodies_provisional.to_string(),
                    y.bodies_existing.to_string(),
                    y.baseline_share
                        .clone()
                        .filter(|_| counted)
                        .unwrap_or_default(),
                ]
            })
            .collect(),
        suppressed: Vec::new(),
        notes: savings_notes(s),
    }
}

/// The labels a savings figure carries wherever it goes.
pub fn savings_notes(s: &crate::model::savings::SavingsSummary) -> Vec<String> {
    let mut notes = vec![format!(
        "Targets are the trajectory profile \"{}\": illustrative assumptions meeting the review's published totals (the review gave no yearly profile).",
        s.profile
    )];
    notes.push("A year counts only the bodies that existed on 1 April with a complete baseline and a complete return; bodies_counted of bodies_answering, and the share of the review's baseline they hold, say what it covers.".into());
    if s.basis != "nominal" && !s.deflators_verified {
        notes.push("The GDP deflators are unverified: read from secondary copies of HM Treasury's release.".into());
    }
    if s.demo_data {
        notes.push(DEMO_NOTE.into());
    }
    notes
}

/// Said wherever a figure built on the demo data goes.
pub const DEMO_NOTE: &str =
    "Synthetic demo data: the returns and baselines were generated by `server seed --demo`; they are not real spend.";

fn money(m: Option<Money>) -> String {
    m.map(|m| m.as_decimal().to_string()).unwrap_or_default()
}

/// A dataset, if it is published or the caller is the board or office.
pub async fn dataset(
    db: &Db,
    user: Option<&CurrentUser>,
    name: &str,
    suppress: &[String],
) -> Result<OpenTable, AppError> {
    let (name, title, description) = dataset_of(name)?;
    let published = publications(db, None)
        .await?
        .iter()
        .any(|p| p.name == name && p.published);
    if !published && !user.is_some_and(|u| u.role.reads_all_organisations()) {
        return Err(AppError::NotFound(format!(
            "The dataset {name:?} (it is not published)"
        )));
    }
    let r = reader();
    let mut suppressed = Vec::new();
    let demo = {
        let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
        crate::db::savings::demo_data_loaded(&mut conn).await?
    };
    let mut notes: Vec<String> = demo.then(|| DEMO_NOTE.to_owned()).into_iter().collect();
    let (columns, rows): (Vec<&str>, Vec<Vec<String>>) = match name {
        "savings" => {
            let s = savings::summary(db, &r, &savings::SummaryQuery::default()).await?;
            let t = savings_table(&s);
            notes = t.notes.clone();
            (
                t.columns.iter().map(|c| savings_column(c)).collect(),
                t.rows,
            )
        }
        "savings-by-sector" => {
            let mut rows = Vec::new();
            for sector in Sector::ALL {
                let s = savings::summary(
                    db,
                    &r,
                    &savings::SummaryQuery {
                        sector: Some(sector.code().to_owned()),
                        ..savings::SummaryQuery::default()
                    },
                )
                .await?;
                for y in s.years.iter().filter(|y| y.bodies_counted > 0) {
                    rows.push(vec![
                        sector.name().to_owned(),
                        y.year.to_string(),
                        money(Some(y.saving)),
                        money(y.target),
                        y.bodies_counted.to_string(),
                        y.bodies_existing.to_string(),
                        y.baseline_share.clone().unwrap_or_default(),
                    ]);
                }
                notes = savings_notes(&s);
            }
            (
                vec![
                    "sector",
                    "financial_year",
                    "saving_gbp",
                    "target_gbp",
                    "bodies_counted",
                    "bodies_answering",
                    "share_of_review_baseline",
                ],
                rows,
            )
        }
        "spend" => {
            let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
            let rows = store::spend_by_sector(&mut conn)
                .await?
                .into_iter()
                .map(|(fy, sector, category, pence, bodies)| {
                    let year = i32::try_from(fy)
                        .ok()
                        .and_then(|y| FinancialYear::starting(y).ok())
                        .map(|y| y.to_string())
                        .unwrap_or_default();
                    let sector = sector
                        .parse::<Sector>()
                        .map_or(sector.clone(), |s| s.name().to_owned());
                    let category = category
                        .parse::<SpendCategory>()
                        .map_or(category.clone(), |c| c.name().to_owned());
                    vec![
                        year,
                        sector,
                        category,
                        Money::from_pence(pence).as_decimal().to_string(),
                        bodies.to_string(),
                    ]
                })
                .collect();
            (
                vec![
                    "financial_year",
                    "sector",
                    "category",
                    "spend_gbp",
                    "bodies",
                ],
                rows,
            )
        }
        "data-centres" => {
            let sites = estate::export(db, &r, None, None).await?;
            let hide = |field: &str| suppress.iter().any(|s| s == field);
            let mut columns = vec![
                "body",
                "body_code",
                "site",
                "type",
                "ownership",
                "status",
                "opened",
                "closed",
            ];
            if !hide("postcode") {
                columns.push("postcode");
            }
            if !hide("servers") {
                columns.extend(["physical_servers", "virtual_hosts", "virtual_machines"]);
            }
            columns.extend(["pue", "virtualisation_ratio"]);
            if !hide("energy") {
                columns.extend(["total_energy_kwh", "it_energy_kwh"]);
            }
            if !hide("costs") {
                columns.push("running_cost_gbp");
            }
            suppressed = SUPPRESSIBLE
                .iter()
                .filter(|f| hide(f))
                .map(|f| (*f).to_owned())
                .collect();
            let rows = sites
                .iter()
                .map(|s| {
                    let mut row = vec![
                        s.org_name.clone(),
                        s.org_code.clone(),
                        s.name.clone(),
                        s.site_type_name.clone(),
                        s.ownership_name.clone(),
                        s.status_name.clone(),
                        s.opened.clone().unwrap_or_default(),
                        s.closed_date.clone().unwrap_or_default(),
                    ];
                    if !hide("postcode") {
                        row.push(s.postcode.clone().unwrap_or_default());
                    }
                    if !hide("servers") {
                        row.extend([
                            s.physical_servers.to_string(),
                            s.virtual_hosts.to_string(),
                            s.virtual_machines.to_string(),
                        ]);
                    }
                    row.extend([
                        s.pue.clone().unwrap_or_default(),
                        s.virtualisation_ratio.clone().unwrap_or_default(),
                    ]);
                    if !hide("energy") {
                        row.extend([
                            s.total_energy_kwh
                                .map(|k| k.to_string())
                                .unwrap_or_default(),
                            s.it_energy_kwh.map(|k| k.to_string()).unwrap_or_default(),
                        ]);
                    }
                    if !hide("costs") {
                        row.push(s.cost_total.as_decimal().to_string());
                    }
                    row
                })
                .collect();
            (columns, rows)
        }
        _ => {
            let front = shared::front_page(db, &r).await?;
            let matrix = front.matrix.unwrap_or_default();
            let mut rows = Vec::new();
            for (i, service) in front.services.iter().enumerate() {
                for stage in crate::domain::estate::AdoptionStage::ALL {
                    let bodies = matrix
                        .iter()
                        .filter(|m| {
                            m.stages.get(i).and_then(|s| s.as_deref()) == Some(stage.name())
                        })
                        .count();
                    rows.push(vec![
                        service.name.clone(),
                        stage.name().to_owned(),
                        bodies.to_string(),
                    ]);
                }
            }
            (vec!["service", "stage", "bodies"], rows)
        }
    };
    Ok(OpenTable {
        name: name.to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        published,
        columns: columns.into_iter().map(str::to_owned).collect(),
        rows,
        suppressed,
        notes,
    })
}
