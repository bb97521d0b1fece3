//! The programme dashboard and board packs, as the pages show them.

use super::chart::ChartView;
use super::estate::AdoptionMatrix;
use super::returns::StatusCounts;
use super::savings::BodyRagRow;
use crate::domain::FinancialYear;
use serde::{Deserialize, Serialize};

/// The dashboard's filters, as the query string carries them (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardQuery {
    /// `nominal` or `real-2024-25`.
    #[serde(default)]
    pub basis: Option<String>,
    #[serde(default)]
    pub sector: Option<String>,
    /// First and last financial year shown, like `2012-13`.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// `spend` (spend-based savings) or `initiative` (initiative-based).
    #[serde(default)]
    pub measure: Option<String>,
}

impl DashboardQuery {
    /// The query string of these filters (empty ones left out), without the `?`.
    pub fn to_query(&self) -> String {
        let pairs = [
            ("basis", &self.basis),
            ("sector", &self.sector),
            ("from", &self.from),
            ("to", &self.to),
            ("measure", &self.measure),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", percent_encode(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes everything but unreserved characters (for query strings and `data:` links).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One sector's returns for the last year shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubmissionRow {
    pub sector: String,
    pub counts: StatusCounts,
}

/// The programme dashboard (board and office).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeDashboard {
    /// The filters as applied (defaults filled in).
    pub query: DashboardQuery,
    pub basis_label: String,
    pub base_years: Vec<FinancialYear>,
    pub sectors: Vec<(String, String)>,
    /// Years that can be chosen for the range.
    pub years: Vec<FinancialYear>,
    pub from: FinancialYear,
    pub to: FinancialYear,
    /// "spend" or "initiative".
    pub measure: String,
    pub charts: Vec<ChartView>,
    /// The RAG tables' year (the last of the range).
    pub rag_year: FinancialYear,
    /// How many bodies of each sector are green, amber, red or not reported.
    pub rag_by_sector: Vec<RagSectorRow>,
    /// With a sector chosen, each of its bodies; for every sector, the bodies furthest behind
    /// their targets (at most `BODIES_BEHIND_SHOWN`), so the page does not grow with the number
    /// of bodies.
    pub bodies: Vec<BodyRagRow>,
    /// Whether `bodies` is every body in scope (a sector) or the ones furthest behind.
    pub bodies_all: bool,
    /// Bodies × services for a sector; services × sectors for every sector.
    pub adoption: AdoptionMatrix,
    pub submissions: Vec<SubmissionRow>,
    pub submissions_total: StatusCounts,
    pub notes: Vec<String>,
    /// The body as the page shows it (charts, tables, links to live CSV downloads): rendered on
    /// the server by the same code as a board pack's.
    pub body_html: String,
}

/// How many bodies of a sector are green, amber, red or not reported in a year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagSectorRow {
    pub sector_code: String,
    pub sector: String,
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub not_reported: usize,
}

/// What the dashboard page needs of the programme dashboard: the filters' choices and the
/// rendered body (so the page carries the figures once, as HTML, not twice).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeDashboardPage {
    pub query: DashboardQuery,
    pub base_years: Vec<FinancialYear>,
    pub sectors: Vec<(String, String)>,
    pub years: Vec<FinancialYear>,
    pub body_html: String,
}

impl From<&ProgrammeDashboard> for ProgrammeDashboardPage {
    fn from(d: &ProgrammeDashboard) -> Self {
        ProgrammeDashboardPage {
            query: d.query.clone(),
            base_years: d.base_years.clone(),
            sectors: d.sectors.clone(),
            years: d.years.clone(),
            body_html: d.body_html.clone(),
        }
    }
}

/// A frozen board pack, as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardPackSummary {
    pub id: i64,
    pub title: String,
    /// When it was frozen (UTC, `YYYY-MM-DD HH:MM`).
    pub frozen_at: String,
    pub frozen_by: String,
    /// The filters it was frozen with, in words.
    pub filters: String,
    pub sha256: String,
    pub size_bytes: usize,
}

/// A board pack with its frozen content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardPackView {
    pub summary: BoardPackSummary,
    /// The frozen body of the pack (HTML with its charts inline), exactly as stored.
    pub body_html: String,
    /// Whether the stored file's SHA-256, computed again as it is read, is the one recorded
    /// when the pack was frozen.
    pub verified: bool,
}

/// A return of one body, as its dashboard lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgReturnRow {
    pub financial_year: FinancialYear,
    pub version: i64,
    pub status: String,
    pub total: crate::domain::Money,
}

/// One body's dashboard (its officers, the board and the office).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgDashboard {
    pub code: String,
    pub name: String,
    pub query: DashboardQuery,
    pub basis_label: String,
    pub base_years: Vec<FinancialYear>,
    pub years: Vec<FinancialYear>,
    pub from: FinancialYear,
    pub to: FinancialYear,
    pub charts: Vec<ChartView>,
    pub savings: Vec<super::savings::BodyYearView>,
    pub returns: Vec<OrgReturnRow>,
    pub sites: Vec<super::estate::SiteView>,
    pub adoptions: Vec<super::estate::AdoptionView>,
    pub notes: Vec<String>,
    /// Rendered on the server by the same code as the programme dashboard's body.
    pub body_html: String,
}

/// An open dataset's publication, as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub name: String,
    pub title: String,
    pub description: String,
    pub published: bool,
    /// When and by whom it was last published or withdrawn (UTC).
    pub changed: Option<String>,
}
