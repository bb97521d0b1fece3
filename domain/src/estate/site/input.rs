//! A site as typed: every field checked at once, each problem naming its field.

use super::*;
use crate::input::Checker;
use crate::spend_line::FieldError;
use crate::Money;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What was typed for a site, as text.
#[derive(Clone, Debug, Default)]
pub struct SiteInput<'a> {
    pub name: &'a str,
    pub postcode: &'a str,
    pub site_type: &'a str,
    pub ownership: &'a str,
    pub tier: &'a str,
    pub floor_area_m2: &'a str,
    pub racks: &'a str,
    pub physical_servers: &'a str,
    pub virtual_hosts: &'a str,
    pub virtual_machines: &'a str,
    pub it_load_kw: &'a str,
    pub total_energy_kwh: &'a str,
    pub total_energy_metering: &'a str,
    pub it_energy_kwh: &'a str,
    pub it_energy_metering: &'a str,
    pub cost_power: &'a str,
    pub cost_accommodation: &'a str,
    pub cost_maintenance: &'a str,
    pub cost_staff: &'a str,
    pub opened: &'a str,
}

/// The most energy one site may report: far above the largest data centres (about 1 TWh).
pub const MAX_KWH: i64 = 10_000_000_000;
/// The most of any count (servers, racks, m²).
pub const MAX_COUNT: i64 = 10_000_000;

/// The checks only a site's form needs, on the shared `Checker` (`domain::input`).
pub(super) trait SiteChecks {
    fn energy(&mut self, field: &str, label: &str, kwh: &str, metering: &str) -> Option<Energy>;
    fn money(&mut self, field: &str, label: &str, text: &str) -> Money;
}

impl SiteChecks for Checker {
    fn energy(&mut self, field: &str, label: &str, kwh: &str, metering: &str) -> Option<Energy> {
        let text = kwh.trim().replace(',', "");
        if text.is_empty() {
            return None;
        }
        let kwh = match text.parse::<i64>() {
            Ok(n) if n < 0 => {
                self.error(field, format!("{label}: kWh cannot be negative"));
                return None;
            }
            Ok(n) if n > MAX_KWH => {
                self.error(
                    field,
                    format!(
                        "{label}: more than {MAX_KWH} kWh a year is not plausible for one site"
                    ),
                );
                return None;
            }
            Ok(n) => n,
            Err(_) => {
                self.error(field, format!("{label}: whole kWh a year, like 1250000"));
                return None;
            }
        };
        match Metering::parse(metering) {
            Ok(metering) => Some(Energy { kwh, metering }),
            Err(_) => {
                self.error(
                    &format!("{field}-metering"),
                    format!("{label}: say whether it is metered or estimated"),
                );
                None
            }
        }
    }

    fn money(&mut self, field: &str, label: &str, text: &str) -> Money {
        if text.trim().is_empty() {
            return Money::ZERO;
        }
        match Money::parse(text) {
            Ok(m) if m.is_negative() => {
                self.error(field, format!("{label}: cannot be negative"));
                Money::ZERO
            }
            Ok(m) if m.as_decimal() > Decimal::from(crate::spend_line::MAX_LINE_POUNDS) => {
                self.error(
                    field,
                    format!("{label}: more than £1bn a year is not plausible for one site"),
                );
                Money::ZERO
            }
            Ok(m) => m,
            Err(e) => {
                self.error(field, format!("{label}: {e}"));
                Money::ZERO
            }
        }
    }
}

/// A date typed as YYYY-MM-DD (or DD/MM/YYYY).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

/// Checks a site as typed; every problem at once, each naming its field.
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub fn parse_site(input: &SiteInput<'_>) -> Result<Site, Vec<FieldError>> {
    let mut c = Checker::new();
    let name = input.name.trim();
    if name.is_empty() {
        c.error(
            "name",
            "Name: give the site a name people know it by".into(),
        );
    } else if name.chars().count() > 200 {
        c.error("name", "Name: at most 200 characters".into());
    }
    let postcode = input.postcode.trim().to_uppercase();
    let postcode_ok = postcode.is_empty()
        || ((5..=8).contains(&postcode.len())
            && postcode
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == ' ')
            && postcode
                .chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_alphabetic()));
    if !postcode_ok {
        c.error("postcode", "Postcode: a UK postcode like EH1 3DG".into());
    }
    let site_type = SiteType::parse(input.site_type)
        .map_err(|e| c.error("site_type", format!("Type: {e}")))
        .ok();
    let ownership = Ownership::parse(input.ownership)
        .map_err(|e| c.error("ownership", format!("Ownership: {e}")))
        .ok();
    let tier = c.count("tier", "Tier", input.tier, false, MAX_COUNT);
    if tier.is_some_and(|t| !(1..=4).contains(&t)) {
        c.error(
            "tier",
            "Tier: 1 to 4 (Uptime Institute tiers), or leave it empty".into(),
        );
    }
    let floor_area_m2 = c.count(
        "floor_area_m2",
        "Floor area",
        input.floor_area_m2,
        false,
        MAX_COUNT,
    );
    let racks = c.count("racks", "Racks", input.racks, false, MAX_COUNT);
    let physical_servers = c.count(
        "physical_servers",
        "Physical servers",
        input.physical_servers,
        true,
        MAX_COUNT,
    );
    let virtual_hosts = c.count(
        "virtual_hosts",
        "Virtual hosts",
        input.virtual_hosts,
        true,
        MAX_COUNT,
    );
    let virtual_machines = c.count(
        "virtual_machines",
        "Virtual machines",
        input.virtual_machines,
        true,
        MAX_COUNT,
    );
    if let (Some(p), Some(h)) = (physical_servers, virtual_hosts) {
        if h > p {
            c.error("virtual_hosts", "Virtual hosts: they are physical servers that run virtual machines, so there cannot be more of them than physical servers".into());
        }
    }
    if let (Some(h), Some(v)) = (virtual_hosts, virtual_machines) {
        if v > 0 && h == 0 {
            c.error(
                "virtual_machines",
                "Virtual machines: record the virtual hosts they run on".into(),
            );
        }
    }
    let it_load_kw = match input.it_load_kw.trim() {
        "" => None,
        text => match text.replace(',', "").parse::<Decimal>() {
            Ok(kw) if kw.is_sign_negative() => {
                c.error("it_load_kw", "IT load: cannot be negative".into());
                None
            }
            Ok(kw) if kw.scale() > 3 || kw > Decimal::from(1_000_000) => {
                c.error(
                    "it_load_kw",
                    "IT load: kW with at most three decimal places, up to 1,000,000".into(),
                );
                None
            }
            Ok(kw) => Some(kw),
            Err(_) => {
                c.error("it_load_kw", "IT load: kW, like 120.5".into());
                None
            }
        },
    };
    let total_energy = c.energy(
        "total_energy_kwh",
        "Total facility energy",
        input.total_energy_kwh,
        input.total_energy_metering,
    );
    let it_energy = c.energy(
        "it_energy_kwh",
        "IT equipment energy",
        input.it_energy_kwh,
        input.it_energy_metering,
    );
    match (total_energy, it_energy) {
        (Some(total), Some(it)) if it.kwh > total.kwh => c.error(
            "it_energy_kwh",
            format!("IT equipment energy: {} kWh is more than the total facility energy of {} kWh; the total includes the IT equipment", it.kwh, total.kwh),
        ),
        (None, Some(_)) => c.error("total_energy_kwh", "Total facility energy: needed with the IT energy (PUE is total ÷ IT)".into()),
        _ => {}
    }
    let costs = RunningCosts {
        power: c.money("cost_power", "Power cost", input.cost_power),
        accommodation: c.money(
            "cost_accommodation",
            "Accommodation or lease cost",
            input.cost_accommodation,
        ),
        maintenance: c.money(
            "cost_maintenance",
            "Maintenance contracts",
            input.cost_maintenance,
        ),
        staff: c.money("cost_staff", "Staff cost", input.cost_staff),
    };
    let opened = match input.opened.trim() {
        "" => None,
        text => {
            let date = parse_date(text);
            if date.is_none() {
                c.error("opened", "Opened: a date like 2009-04-01".into());
            }
            date
        }
    };
    match (
        site_type,
        ownership,
        physical_servers,
        virtual_hosts,
        virtual_machines,
        c.is_clean(),
    ) {
        (
            Some(site_type),
            Some(ownership),
            Some(physical_servers),
            Some(virtual_hosts),
            Some(virtual_machines),
            true,
        ) => Ok(Site {
            name: name.to_owned(),
            postcode: (!postcode.is_empty()).then_some(postcode),
            site_type,
            ownership,
            tier,
            floor_area_m2,
            racks,
            physical_servers,
            virtual_hosts,
            virtual_machines,
            it_load_kw,
            total_energy,
            it_energy,
            costs,
            opened,
        }),
        _ => Err(c.into_errors()),
    }
}
