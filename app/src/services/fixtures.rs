//! Reference data from `fixtures/`: sectors, public bodies, mergers and published baselines.
//!
//! Policy: the fixture files are compiled into the binary, so a deployed server seeds the same
//! data as a developer's checkout. Every row is parsed and checked before anything is written;
//! then everything is written in one transaction, by code, so seeding twice changes nothing.
//! A bad row is reported with its file and line.

use crate::db::organisations::{self, NewOrganisation};
use crate::db::reference::{self, NewBaselineFigure};
use crate::db::savings;
use crate::db::{Db, DbError};
use crate::domain::savings::Share;
use crate::domain::{FinancialYear, Money, OrgCode, Sector};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// The fixture files, by name and content.
pub struct FixtureFiles {
    pub organisations: (&'static str, &'static str),
    pub successions: (&'static str, &'static str),
    pub baselines: (&'static str, &'static str),
    pub deflators: (&'static str, &'static str),
    pub trajectory: (&'static str, &'static str),
    pub ghg_factors: (&'static str, &'static str),
    pub shared_services: (&'static str, &'static str),
    pub consolidation_targets: (&'static str, &'static str),
}

impl FixtureFiles {
    /// The fixtures shipped in the repository's `fixtures/` folder.
    pub fn embedded() -> Self {
        FixtureFiles {
            organisations: (
                "fixtures/organisations.csv",
                include_str!("../../../fixtures/organisations.csv"),
            ),
            successions: (
                "fixtures/successions.csv",
                include_str!("../../../fixtures/successions.csv"),
            ),
            baselines: (
                "fixtures/mcclelland_baseline.csv",
                include_str!("../../../fixtures/mcclelland_baseline.csv"),
            ),
            deflators: (
                "fixtures/gdp_deflators.csv",
                include_str!("../../../fixtures/gdp_deflators.csv"),
            ),
            trajectory: (
                "fixtures/trajectory.csv",
                include_str!("../../../fixtures/trajectory.csv"),
            ),
            ghg_factors: (
                "fixtures/ghg_electricity_factors.csv",
                include_str!("../../../fixtures/ghg_electricity_factors.csv"),
            ),
            shared_services: (
                "fixtures/shared_services.csv",
                include_str!("../../../fixtures/shared_services.csv"),
            ),
            consolidation_targets: (
                "fixtures/consolidation_targets.csv",
                include_str!("../../../fixtures/consolidation_targets.csv"),
            ),
        }
    }
}

/// A problem in a fixture file, with where it is.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("{file} line {line}: {message}")]
    Row {
        file: String,
        line: u64,
        message: String,
    },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What seeding wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedCounts {
    pub sectors: usize,
    pub organisations: usize,
    pub successions: usize,
    pub baseline_figures: usize,
    pub deflators: usize,
    pub trajectory_years: usize,
}

struct Succession {
    predecessor: OrgCode,
    successor: OrgCode,
    effective_date: NaiveDate,
    kind: String,
    share: Option<Share>,
    source: Option<String>,
}

/// Parsed, checked reference data, ready to write.
pub struct ReferenceData {
    organisations: Vec<NewOrganisation>,
    successions: Vec<Succession>,
    baselines: Vec<NewBaselineFigure>,
    deflators: Vec<(FinancialYear, Decimal, bool)>,
    deflator_release: String,
    trajectory: Vec<(String, FinancialYear, Money, String)>,
    ghg_factors: Vec<(i32, Decimal, bool)>,
    shared_services: Vec<(OrgCode, String, String)>,
    consolidation_targets: Vec<crate::db::estate::TargetRow>,
}

/// The first `#` line of a fixture file, without the `#` and trailing punctuation: the release
/// its figures come from.
fn source_title(text: &str) -> String {
    text.lines()
        .next()
        .and_then(|line| line.strip_prefix('#'))
        .map(|line| line.trim().trim_end_matches([',', ';', '.']).to_owned())
        .unwrap_or_default()
}

/// Reads a CSV with `#` comment lines (the source notes) into records with their line numbers.
fn records(file: &str, text: &str) -> Result<Vec<(u64, csv::StringRecord)>, FixtureError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|rec| (rec.position().map_or(0, |p| p.line()), rec))
                .map_err(|e| FixtureError::Row {
                    file: file.to_owned(),
                    line: e.position().map_or(0, |p| p.line()),
                    message: e.to_string(),
                })
        })
        .collect()
}

struct Row<'a> {
    file: &'a str,
    line: u64,
    record: csv::StringRecord,
}

impl Row<'_> {
    fn error(&self, message: impl Into<String>) -> FixtureError {
        FixtureError::Row {
            file: self.file.to_owned(),
            line: self.line,
            message: message.into(),
        }
    }

    fn text(&self, index: usize, column: &str) -> Result<String, FixtureError> {
        match self.record.get(index) {
            Some(v) if !v.is_empty() => Ok(v.to_owned()),
            _ => Err(self.error(format!("column {column} is empty"))),
        }
    }

    fn optional(&self, index: usize) -> Option<String> {
        self.record
            .get(index)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    fn parse<T: std::str::FromStr>(&self, index: usize, column: &str) -> Result<T, FixtureError>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.text(index, column)?;
        text.parse()
            .map_err(|e| self.error(format!("column {column}: {e}")))
    }

    fn date(&self, index: usize, column: &str) -> Result<Option<NaiveDate>, FixtureError> {
        self.optional(index)
            .map(|t| {
                NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
                    self.error(format!("column {column}: {t:?} is not a YYYY-MM-DD date"))
                })
            })
            .transpose()
    }
}

fn rows<'a>(file: &'a str, text: &str) -> Result<Vec<Row<'a>>, FixtureError> {
    Ok(records(file, text)?
        .into_iter()
        .map(|(line, record)| Row { file, line, record })
        .collect())
}

impl ReferenceData {
    /// Parses and cross-checks the fixture files without touching the database.
    pub fn parse(files: &FixtureFiles) -> Result<Self, FixtureError> {
        let (org_file, org_text) = files.organisations;
        let mut codes = HashSet::new();
        let mut orgs = Vec::new();
        for row in rows(org_file, org_text)? {
            // code,sector,kind,name,start_date,end_date,notes
            let org = NewOrganisation {
                code: row.parse(0, "code")?,
                sector: row.parse::<Sector>(1, "sector")?,
                kind: row.text(2, "kind")?,
                name: row.text(3, "name")?,
                start_date: row.date(4, "start_date")?,
                end_date: row.date(5, "end_date")?,
                notes: row.optional(6),
            };
            if let (Some(start), Some(end)) = (org.start_date, org.end_date) {
                if start > end {
                    return Err(row.error("start_date is after end_date"));
                }
            }
            if !codes.insert(org.code.clone()) {
                return Err(row.error(format!("code {} appears twice", org.code)));
            }
            orgs.push(org);
        }

        let (succ_file, succ_text) = files.successions;
        let mut successions = Vec::new();
        for row in rows(succ_file, succ_text)? {
            // predecessor,successor,effective_date,kind,share,source
            let s = Succession {
                predecessor: row.parse(0, "predecessor")?,
                successor: row.parse(1, "successor")?,
                effective_date: row
                    .date(2, "effective_date")?
                    .ok_or_else(|| row.error("column effective_date is empty"))?,
                kind: row.text(3, "kind")?,
                share: match row.optional(4) {
                    None => None,
                    Some(text) => Some(Share::parse(&text).ok_or_else(|| {
                        row.error("column share: expected a percentage like 60% or 37.5%")
                    })?),
                },
                source: row.optional(5),
            };
            for code in [&s.predecessor, &s.successor] {
                if !codes.contains(code) {
                    return Err(row.error(format!("{code} is not in {org_file}")));
                }
            }
            if !["merger", "split", "transfer", "rename"].contains(&s.kind.as_str()) {
                return Err(row.error("column kind: expected merger, split, transfer or rename"));
            }
            successions.push(s);
        }

        let (base_file, base_text) = files.baselines;
        let mut baselines = Vec::new();
        for (index, row) in rows(base_file, base_text)?.into_iter().enumerate() {
            // dataset,scope,key,label,financial_year,amount_pounds,qualifier,source
            let year: FinancialYear = row.parse(4, "financial_year")?;
            let pounds: i64 = row.parse(5, "amount_pounds")?;
            let scope = row.text(1, "scope")?;
            if !["national", "cost-group", "sector"].contains(&scope.as_str()) {
                return Err(row.error("column scope: expected national, cost-group or sector"));
            }
            baselines.push(NewBaselineFigure {
                dataset: row.text(0, "dataset")?,
                scope,
                key: row.text(2, "key")?,
                label: row.text(3, "label")?,
                fy_start: i64::from(year.start_year()),
                amount: Money::from_pounds(pounds)
                    .map_err(|e| row.error(format!("amount_pounds: {e}")))?,
                qualifier: row.optional(6).unwrap_or_default(),
                source: row.text(7, "source")?,
                sort_order: i64::try_from(index).unwrap_or(i64::MAX),
            });
        }

        let (defl_file, defl_text) = files.deflators;
        let mut deflators = Vec::new();
        for row in rows(defl_file, defl_text)? {
            // financial_year,index,verified
            let year: FinancialYear = row.parse(0, "financial_year")?;
            let index: Decimal = row.parse(1, "index")?;
            if index <= Decimal::ZERO {
                return Err(row.error("column index: a deflator must be a positive index"));
            }
            let verified = match row.text(2, "verified")?.as_str() {
                "1" => true,
                "0" => false,
                _ => return Err(row.error("column verified: expected 1 or 0")),
            };
            deflators.push((year, index, verified));
        }
        let deflator_release = source_title(defl_text);

        let (traj_file, traj_text) = files.trajectory;
        let mut trajectory = Vec::new();
        for row in rows(traj_file, traj_text)? {
            // profile,financial_year,amount_pounds,source
            let pounds: i64 = row.parse(2, "amount_pounds")?;
            let amount = Money::from_pounds(pounds)
                .ok()
                .filter(|m| !m.is_negative())
                .ok_or_else(|| {
                    row.error("column amount_pounds: expected whole pounds, 0 or more")
                })?;
            trajectory.push((
                row.text(0, "profile")?,
                row.parse(1, "financial_year")?,
                amount,
                row.text(3, "source")?,
            ));
        }

        let (ghg_file, ghg_text) = files.ghg_factors;
        let mut ghg_factors = Vec::new();
        for row in rows(ghg_file, ghg_text)? {
            // year,kg_co2e_per_kwh,verified
            let year: i32 = row.parse(0, "year")?;
            let factor: Decimal = row.parse(1, "kg_co2e_per_kwh")?;
            if factor <= Decimal::ZERO || factor > Decimal::ONE {
                return Err(row.error(
                    "column kg_co2e_per_kwh: expected a factor between 0 and 1 kg per kWh",
                ));
            }
            let verified = row.text(2, "verified")? == "1";
            ghg_factors.push((year, factor, verified));
        }

        let (svc_file, svc_text) = files.shared_services;
        let mut shared_services = Vec::new();
        for row in rows(svc_file, svc_text)? {
            // code,name,description (codes follow the same rule as body codes)
            shared_services.push((
                row.parse(0, "code")?,
                row.text(1, "name")?,
                row.text(2, "description")?,
            ));
        }

        let (ct_file, ct_text) = files.consolidation_targets;
        let mut consolidation_targets = Vec::new();
        for row in rows(ct_file, ct_text)? {
            // sector,site_type,financial_year,max_sites,note
            let sector = row.optional(0).unwrap_or_default();
            if !sector.is_empty() {
                sector
                    .parse::<Sector>()
                    .map_err(|e| row.error(format!("column sector: {e}")))?;
            }
            let site_type = row.optional(1).unwrap_or_default();
            if !site_type.is_empty() {
                crate::domain::estate::SiteType::parse(&site_type)
                    .map_err(|e| row.error(format!("column site_type: {e}")))?;
            }
            let year: FinancialYear = row.parse(2, "financial_year")?;
            let max: i64 = row.parse(3, "max_sites")?;
            if max < 0 {
                return Err(row.error("column max_sites: expected a whole number, 0 or more"));
            }
            consolidation_targets.push((
                sector,
                site_type,
                i64::from(year.start_year()),
                max,
                row.text(4, "note")?,
            ));
        }

        Ok(ReferenceData {
            consolidation_targets,
            shared_services,
            ghg_factors,
            organisations: orgs,
            successions,
            baselines,
            deflators,
            deflator_release,
            trajectory,
        })
    }

    /// Writes everything in one transaction: all of it, or none of it.
    #[tracing::instrument(skip_all)]
    pub async fn write(&self, db: &Db) -> Result<SeedCounts, FixtureError> {
        let mut tx = db.begin().await?;
        for (order, sector) in (0_i64..).zip(Sector::ALL) {
            organisations::upsert_sector(&mut tx, sector, order).await?;
        }
        for org in &self.organisations {
            organisations::upsert(&mut tx, org).await?;
        }
        for s in &self.successions {
            organisations::upsert_succession(
                &mut tx,
                &organisations::NewSuccession {
                    predecessor: &s.predecessor,
                    successor: &s.successor,
                    effective_date: s.effective_date,
                    kind: &s.kind,
                    share: s.share,
                    source: s.source.as_deref(),
                },
                false,
            )
            .await?;
        }
        for figure in &self.baselines {
            reference::upsert_baseline(&mut tx, figure).await?;
        }
        for (year, index, verified) in &self.deflators {
            savings::upsert_deflator(&mut tx, *year, *index, &self.deflator_release, *verified)
                .await?;
        }
        for (profile, year, amount, source) in &self.trajectory {
            savings::insert_target_if_absent(&mut tx, profile, *year, *amount, source).await?;
        }
        for (year, factor, verified) in &self.ghg_factors {
            crate::db::estate::upsert_ghg_factor(&mut tx, *year, *factor, *verified).await?;
        }
        for (code, name, description) in &self.shared_services {
            crate::db::shared::insert_service_if_absent(
                &mut tx,
                code.as_str(),
                name,
                description,
                "shared/DOMAIN.md section 9",
            )
            .await?;
        }
        for t in &self.consolidation_targets {
            crate::db::estate::insert_target_if_absent(&mut tx, t).await?;
        }
        savings::insert_setting_if_absent(&mut tx, "profile", "low").await?;
        savings::insert_setting_if_absent(&mut tx, "method", "review-national-share").await?;
        tx.commit().await.map_err(DbError::from)?;
        Ok(SeedCounts {
            sectors: Sector::ALL.len(),
            organisations: self.organisations.len(),
            successions: self.successions.len(),
            baseline_figures: self.baselines.len(),
            deflators: self.deflators.len(),
            trajectory_years: self.trajectory.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_fixtures_parse_and_cover_the_review_scope() {
        let data = ReferenceData::parse(&FixtureFiles::embedded()).unwrap();
        let in_sector = |s: Sector| data.organisations.iter().filter(|o| o.sector == s).count();
        let councils = data
            .organisations
            .iter()
            .filter(|o| o.kind == "Council")
            .count();
        assert_eq!(councils, 32, "all 32 councils");
        let territorial = data
            .organisations
            .iter()
            .filter(|o| o.kind == "Territorial NHS board")
            .count();
        assert_eq!(territorial, 14, "the 14 territorial NHS boards");
        assert!(in_sector(Sector::FurtherAndHigherEducation) > 30);
        let reformed = NaiveDate::from_ymd_opt(2013, 3, 31);
        let ended_2013 = |kind: &str| {
            data.organisations
                .iter()
                .filter(|o| o.kind == kind && o.end_date == reformed)
                .count()
        };
        assert_eq!(
            ended_2013("Police force"),
            8,
            "the 8 police forces until 31 March 2013"
        );
        assert_eq!(
            ended_2013("Fire and rescue service"),
            8,
            "the 8 fire and rescue services"
        );
    }

    #[test]
    fn the_2013_police_and_fire_mergers_are_recorded() {
        let data = ReferenceData::parse(&FixtureFiles::embedded()).unwrap();
        let into = |code: &str| {
            data.successions
                .iter()
                .filter(|s| s.successor.as_str() == code)
                .inspect(|s| {
                    assert_eq!(
                        s.effective_date,
                        NaiveDate::from_ymd_opt(2013, 4, 1).unwrap()
                    )
                })
                .count()
        };
        assert_eq!(
            into("police-scotland"),
            10,
            "8 forces, the SPSA and the SCDEA"
        );
        assert_eq!(into("fire-scotland"), 8);
    }

    fn no_savings_files() -> FixtureFiles {
        FixtureFiles {
            deflators: ("defl.csv", "financial_year,index,verified\n"),
            trajectory: ("traj.csv", "profile,financial_year,amount_pounds,source\n"),
            ghg_factors: ("ghg.csv", "year,kg_co2e_per_kwh,verified\n"),
            shared_services: ("svc.csv", "code,name,description\n"),
            consolidation_targets: ("ct.csv", "sector,site_type,financial_year,max_sites,note\n"),
            ..FixtureFiles::embedded()
        }
    }

    #[test]
    fn deflators_and_the_trajectory_carry_their_source() {
        let data = ReferenceData::parse(&FixtureFiles::embedded()).unwrap();
        assert!(
            data.deflator_release
                .starts_with("HM Treasury, \"GDP deflators at market prices"),
            "{}",
            data.deflator_release
        );
        assert!(data.deflators.iter().all(|(_, _, verified)| !verified));
        assert_eq!(data.trajectory.len(), 10);
        let spsa = data
            .successions
            .iter()
            .filter(|s| s.predecessor.as_str() == "scottish-police-services-authority")
            .count();
        assert_eq!(spsa, 2, "the SPSA split two ways, shares not published");
    }

    #[test]
    fn a_bad_row_is_reported_with_file_and_line() {
        let files = FixtureFiles {
            organisations: ("orgs.csv", "# source\ncode,sector,kind,name,start_date,end_date,notes\nok-one,nhs,Board,One,,,\nbad-two,space,Board,Two,,,\n"),
            successions: ("succ.csv", "predecessor,successor,effective_date,kind\n"),
            baselines: ("base.csv", "dataset,scope,key,label,financial_year,amount_pounds,qualifier,source\n"),
            ..no_savings_files()
        };
        let message = ReferenceData::parse(&files)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            message.starts_with("orgs.csv line 4: column sector"),
            "{message}"
        );
    }

    #[test]
    fn a_succession_to_an_unknown_body_is_refused() {
        let files = FixtureFiles {
            organisations: (
                "orgs.csv",
                "code,sector,kind,name,start_date,end_date,notes\nok-one,nhs,Board,One,,,\n",
            ),
            successions: (
                "succ.csv",
                "predecessor,successor,effective_date,kind\nok-one,nobody,2013-04-01,merger\n",
            ),
            baselines: (
                "base.csv",
                "dataset,scope,key,label,financial_year,amount_pounds,qualifier,source\n",
            ),
            ..no_savings_files()
        };
        let message = ReferenceData::parse(&files)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("nobody is not in orgs.csv"), "{message}");
    }
}
