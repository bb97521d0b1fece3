//! What the data-centre pages show (shared by server and browser).

use crate::domain::{FinancialYear, Money};
use serde::{Deserialize, Serialize};

/// A closure's saving, with the load that moved and the energy and carbon saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosureView {
    pub stopping: Money,
    pub moving: Money,
    pub recurring: Money,
    pub one_off: Money,
    pub moved_it_kwh: i64,
    pub destination_kwh: String,
    pub destination_pue_known: bool,
    pub saved_kwh: String,
    /// Carbon saved a year at the closure year's factor, in tonnes; `None` without a factor.
    pub carbon_saved_tonnes: Option<String>,
    pub carbon_year: Option<FinancialYear>,
}

/// Closure to cash: the body's facilities and energy spend the year before and after closing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CashCheckView {
    pub before_year: FinancialYear,
    pub before: Option<Money>,
    pub after_year: FinancialYear,
    pub after: Option<Money>,
    /// "fell", "did-not-fall" or "not-yet-known".
    pub verdict: String,
    pub text: String,
}

/// A site as its pages show it, with the computed figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteView {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub name: String,
    pub postcode: Option<String>,
    pub site_type: String,
    pub site_type_name: String,
    pub ownership: String,
    pub ownership_name: String,
    pub tier: Option<i64>,
    pub floor_area_m2: Option<i64>,
    pub racks: Option<i64>,
    pub physical_servers: i64,
    pub virtual_hosts: i64,
    pub virtual_machines: i64,
    pub it_load_kw: Option<String>,
    pub total_energy_kwh: Option<i64>,
    pub total_energy_metering: Option<String>,
    pub it_energy_kwh: Option<i64>,
    pub it_energy_metering: Option<String>,
    pub cost_power: Money,
    pub cost_accommodation: Money,
    pub cost_maintenance: Money,
    pub cost_staff: Money,
    pub cost_total: Money,
    pub opened: Option<String>,
    pub status: String,
    pub status_name: String,
    pub target_date: Option<String>,
    pub closed_date: Option<String>,
    pub destination: Option<String>,
    pub destination_site: Option<String>,
    pub evidence: Option<String>,
    pub row_version: i64,
    pub pue: Option<String>,
    pub pue_band: Option<String>,
    pub virtualisation_ratio: Option<String>,
    /// This year's carbon at the year's factor: (year, tonnes, factor).
    pub carbon: Option<(FinancialYear, String, String)>,
    pub closure: Option<ClosureView>,
    /// For a closed site: whether its body's spend fell.
    pub cash: Option<CashCheckView>,
}

/// A body's sites and what its officers may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SitesPage {
    pub code: String,
    pub name: String,
    pub sites: Vec<SiteView>,
    pub may_edit: bool,
    /// Whether this person may reverse a recorded closure (the programme office).
    pub may_reverse: bool,
    /// Sites a closing site's services may move to: (id, "name (body)").
    pub destinations: Vec<(i64, String)>,
    /// Sites archived as entered in error (not counted anywhere), newest first.
    pub archived: Vec<ArchivedSite>,
}

/// A site archived as entered in error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArchivedSite {
    pub id: i64,
    pub name: String,
    /// YYYY-MM-DD (UTC).
    pub archived_on: String,
    pub reason: String,
}

/// The number of sites at a year's end, by type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteCount {
    pub year: FinancialYear,
    pub sites: usize,
    pub by_type: Vec<(String, usize)>,
    /// The consolidation target for the year in the scope shown, if one is set.
    pub target: Option<i64>,
}

/// A point of a consolidation target line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetPoint {
    pub year: FinancialYear,
    pub max_sites: i64,
    pub note: String,
}

/// Energy and carbon of the estate in a year, with the load moved to destinations outside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnergyYear {
    pub year: FinancialYear,
    pub kwh: String,
    pub carbon_tonnes: Option<String>,
}

/// The consolidation of the estate (board and programme office).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstateSummary {
    pub sector: Option<String>,
    pub sectors: Vec<(String, String)>,
    /// The site type shown (`None`: all types).
    pub site_type: Option<String>,
    pub site_types: Vec<(String, String)>,
    /// The target line's points for the scope shown (sector and type).
    pub targets: Vec<TargetPoint>,
    /// Whether the caller may set targets (the programme office).
    pub may_set_targets: bool,
    pub counts: Vec<SiteCount>,
    pub by_status: Vec<(String, usize)>,
    pub energy: Vec<EnergyYear>,
    pub factors_verified: bool,
    pub closed: Vec<SiteView>,
}

/// The data-centres section's front page: the estate for the board and office, and the bodies
/// an officer records sites for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstateOverview {
    pub summary: Option<EstateSummary>,
    pub my_bodies: Vec<(String, String)>,
}

/// A shared service in the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceView {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: String,
    /// Bodies live on it now.
    pub live: usize,
}

/// A body's adoption of a shared service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdoptionView {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub service_code: String,
    pub service_name: String,
    pub stage: String,
    pub stage_name: String,
    /// The stages it may move to next: (code, name).
    pub next: Vec<(String, String)>,
    pub contracted: Option<String>,
    pub migrating: Option<String>,
    pub live: Option<String>,
    pub exited: Option<String>,
    /// When it was abandoned before going live, and why (issue 15).
    pub abandoned: Option<String>,
    pub abandoned_reason: Option<String>,
    pub cost_before: Money,
    pub cost_after: Money,
    pub recurring_saving: Money,
    pub one_off: Money,
    pub sites: Option<i64>,
    pub users: Option<i64>,
    pub class: String,
    pub row_version: i64,
}

/// The shared-services front page: the catalogue, the adoption matrix (board and office) and
/// the bodies an officer records adoptions for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedServicesPage {
    pub services: Vec<ServiceView>,
    /// Bodies × services (board and office).
    pub matrix: Option<Vec<MatrixRow>>,
    pub my_bodies: Vec<(String, String)>,
    pub may_edit_catalogue: bool,
}

/// The dashboard's adoption matrix: rows (bodies or services) × columns (services or sectors).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdoptionMatrix {
    /// What a row is: "Body" or "Service".
    pub row_label: String,
    /// The columns (code, name).
    pub columns: Vec<(String, String)>,
    pub rows: Vec<MatrixRow>,
}

/// A body's row of the adoption matrix: its stage for each service, in catalogue order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub code: String,
    pub name: String,
    pub stages: Vec<Option<String>>,
}

/// A body's adoptions and the form to record one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdoptionsPage {
    pub code: String,
    pub name: String,
    /// The latest adoption of each service the body has taken up.
    pub adoptions: Vec<AdoptionView>,
    /// Earlier adoptions, exited or abandoned before the service was taken up again.
    pub history: Vec<AdoptionView>,
    pub services: Vec<(String, String)>,
    pub may_edit: bool,
}
