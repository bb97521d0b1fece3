//! A data centre or computer room: its inventory, computed efficiency, lifecycle and closure.
//!
//! Policy (issue 7; `shared/DOMAIN.md` §8, after the US Data Center Optimization Initiative):
//! - PUE = total facility energy ÷ IT equipment energy; IT energy may not exceed total energy.
//!   The virtualisation ratio = (physical servers + virtual machines) ÷ physical servers. Both are
//!   computed, never typed.
//! - Energy is whole kWh a year, each figure marked metered or estimated; costs are pounds a year
//!   by component (power, accommodation or lease, maintenance contracts, staff).
//! - Lifecycle: operational → closure planned (a target date and a destination) → migrating →
//!   closed (a date, not before the site opened). A planned closure or a migration may be
//!   cancelled (back to operational). A closed site stays in the inventory.
//! - A closure saves the running costs that stop minus those that move to the destination
//!   (recurring), against a one-off migration cost. Its IT load moves with it: the destination
//!   uses it × its own PUE (or at least the IT energy itself, where the destination's PUE is not
//!   known), so energy and carbon are counted there, not dropped.

use crate::domain::spend_line::FieldError;
use crate::domain::Money;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

coded_enum!(
    /// What kind of facility a site is.
    SiteType, "site type", "data-centre, server-room, comms-room, colocation or cloud" {
        DataCentre => "data-centre", "Data centre";
        ServerRoom => "server-room", "Server room";
        CommsRoom => "comms-room", "Comms room";
        Colocation => "colocation", "Colocation";
        Cloud => "cloud", "Cloud";
    }
);

coded_enum!(
    /// Who owns the facility.
    Ownership, "ownership", "owned, leased, colocation, cloud or shared-public" {
        Owned => "owned", "Owned by the body";
        Leased => "leased", "Leased";
        Colocation => "colocation", "Colocation (space in a provider's data centre)";
        Cloud => "cloud", "Cloud";
        SharedPublic => "shared-public", "Shared public-sector data centre";
    }
);

coded_enum!(
    /// How an energy figure was obtained.
    Metering, "metering", "metered or estimated" {
        Metered => "metered", "Metered";
        Estimated => "estimated", "Estimated";
    }
);

coded_enum!(
    /// Where a site is in its lifecycle.
    SiteStatus, "status", "operational, closure-planned, migrating or closed" {
        Operational => "operational", "Operational";
        ClosurePlanned => "closure-planned", "Closure planned";
        Migrating => "migrating", "Migrating";
        Closed => "closed", "Closed";
    }
);

coded_enum!(
    /// Where a closing site's services go.
    Destination, "destination", "same-body-site, shared-public, commercial-colocation or cloud" {
        SameBodySite => "same-body-site", "Another site of the same body";
        SharedPublic => "shared-public", "A shared public-sector data centre";
        CommercialColocation => "commercial-colocation", "Commercial colocation";
        Cloud => "cloud", "Cloud";
    }
);

/// A year's energy figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Energy {
    pub kwh: i64,
    pub metering: Metering,
}

/// Annual running cost by component.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningCosts {
    pub power: Money,
    pub accommodation: Money,
    pub maintenance: Money,
    pub staff: Money,
}

impl RunningCosts {
    pub fn total(&self) -> Money {
        Money::sum([self.power, self.accommodation, self.maintenance, self.staff])
            .unwrap_or(Money::ZERO)
    }
}

/// A site's inventory figures, checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub name: String,
    pub postcode: Option<String>,
    pub site_type: SiteType,
    pub ownership: Ownership,
    pub tier: Option<i64>,
    pub floor_area_m2: Option<i64>,
    pub racks: Option<i64>,
    pub physical_servers: i64,
    pub virtual_hosts: i64,
    pub virtual_machines: i64,
    pub it_load_kw: Option<Decimal>,
    pub total_energy: Option<Energy>,
    pub it_energy: Option<Energy>,
    pub costs: RunningCosts,
    pub opened: Option<NaiveDate>,
}

/// PUE from the two energies; `None` without IT energy.
pub fn pue(total_kwh: i64, it_kwh: i64) -> Option<Decimal> {
    (it_kwh > 0).then(|| {
        (Decimal::from(total_kwh) / Decimal::from(it_kwh))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
    })
}

impl Site {
    /// Power usage effectiveness, to two decimal places.
    pub fn pue(&self) -> Option<Decimal> {
        pue(self.total_energy?.kwh, self.it_energy?.kwh)
    }

    /// (physical servers + virtual machines) ÷ physical servers, to two decimal places.
    pub fn virtualisation_ratio(&self) -> Option<Decimal> {
        (self.physical_servers > 0).then(|| {
            (Decimal::from(self.physical_servers + self.virtual_machines)
                / Decimal::from(self.physical_servers))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
        })
    }
}

/// What a PUE means, against the Scottish data-hosting strategy's bands (2014) at the ends and
/// the DCOI targets (1.5 for existing sites, 1.4 for new ones).
pub fn pue_band(pue: Decimal) -> &'static str {
    if pue > Decimal::from(3) {
        "Very inefficient (above 3.0)"
    } else if pue < Decimal::new(12, 1) {
        "Very efficient (below 1.2)"
    } else if pue <= Decimal::new(14, 1) {
        "Meets the DCOI target for new sites (1.4 or less)"
    } else if pue <= Decimal::new(15, 1) {
        "Meets the DCOI target for existing sites (1.5 or less)"
    } else {
        "Above the DCOI target of 1.5"
    }
}

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

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn error(&mut self, field: &str, message: String) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
    }

    fn count(&mut self, field: &str, label: &str, text: &str, required: bool) -> Option<i64> {
        let text = text.trim().replace(',', "");
        if text.is_empty() {
            if required {
                return Some(0);
            }
            return None;
        }
        match text.parse::<i64>() {
            Ok(n) if n < 0 => {
                self.error(field, format!("{label}: cannot be negative"));
                None
            }
            Ok(n) if n > MAX_COUNT => {
                self.error(field, format!("{label}: at most {MAX_COUNT}"));
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                self.error(field, format!("{label}: a whole number, like 12"));
                None
            }
        }
    }

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
            Ok(m) if m.as_decimal() > Decimal::from(crate::domain::spend_line::MAX_LINE_POUNDS) => {
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
pub fn parse_site(input: &SiteInput<'_>) -> Result<Site, Vec<FieldError>> {
    let mut c = Checker { errors: Vec::new() };
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
    let tier = c.count("tier", "Tier", input.tier, false);
    if tier.is_some_and(|t| !(1..=4).contains(&t)) {
        c.error(
            "tier",
            "Tier: 1 to 4 (Uptime Institute tiers), or leave it empty".into(),
        );
    }
    let floor_area_m2 = c.count("floor_area_m2", "Floor area", input.floor_area_m2, false);
    let racks = c.count("racks", "Racks", input.racks, false);
    let physical_servers = c.count(
        "physical_servers",
        "Physical servers",
        input.physical_servers,
        true,
    );
    let virtual_hosts = c.count("virtual_hosts", "Virtual hosts", input.virtual_hosts, true);
    let virtual_machines = c.count(
        "virtual_machines",
        "Virtual machines",
        input.virtual_machines,
        true,
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
        c.errors.is_empty(),
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
        _ => Err(c.errors),
    }
}

/// Something a person asks to do to a site's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteAction {
    PlanClosure {
        target: NaiveDate,
        destination: Destination,
    },
    StartMigration,
    Close {
        on: NaiveDate,
    },
    Cancel,
}

/// Why a lifecycle step is refused, naming the field at fault where there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("a site that is {0} cannot {1}")]
    NotNow(SiteStatus, &'static str),
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
}

/// The next status, if the action is allowed now.
pub fn apply(
    status: SiteStatus,
    opened: Option<NaiveDate>,
    action: SiteAction,
) -> Result<SiteStatus, LifecycleError> {
    use SiteStatus::*;
    let before_opening = |date: NaiveDate| opened.is_some_and(|o| date < o);
    match (status, action) {
        (Operational, SiteAction::PlanClosure { target, .. }) => {
            if before_opening(target) {
                return Err(LifecycleError::Field {
                    field: "target_date",
                    message: format!("Target date: {target} is before the site opened"),
                });
            }
            Ok(ClosurePlanned)
        }
        (ClosurePlanned, SiteAction::StartMigration) => Ok(Migrating),
        (ClosurePlanned | Migrating, SiteAction::Close { on }) => {
            if before_opening(on) {
                return Err(LifecycleError::Field {
                    field: "closed_date",
                    message: format!(
                        "Closed on: {on} is before the site opened ({})",
                        opened.map(|o| o.to_string()).unwrap_or_default()
                    ),
                });
            }
            Ok(Closed)
        }
        (ClosurePlanned | Migrating, SiteAction::Cancel) => Ok(Operational),
        (status, action) => Err(LifecycleError::NotNow(
            status,
            match action {
                SiteAction::PlanClosure { .. } => "have a closure planned",
                SiteAction::StartMigration => "start migrating (plan its closure first)",
                SiteAction::Close { .. } => "be closed (plan its closure first)",
                SiteAction::Cancel => "have its closure cancelled",
            },
        )),
    }
}

/// What a closure saves a year, and what it costs once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureSaving {
    /// The site's running costs, which stop.
    pub stopping: Money,
    /// The running costs that move to the destination.
    pub moving: Money,
    /// Stopping minus moving (negative if the destination costs more).
    pub recurring: Money,
    pub one_off: Money,
}

pub fn closure_saving(costs: &RunningCosts, moving: Money, one_off: Money) -> ClosureSaving {
    let stopping = costs.total();
    ClosureSaving {
        stopping,
        moving,
        recurring: stopping.checked_sub(moving).unwrap_or(Money::ZERO),
        one_off,
    }
}

/// Where a closed site's energy goes: the destination's added energy and what is saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedLoad {
    /// The IT energy that moves.
    pub it_kwh: i64,
    /// The energy the destination uses for it: IT × the destination's PUE, or the IT energy
    /// itself when the destination's PUE is not known (a lower bound, labelled as such).
    pub destination_kwh: Decimal,
    pub destination_pue_known: bool,
    /// The closed site's total energy minus what the destination now uses.
    pub saved_kwh: Decimal,
}

pub fn moved_load(closed: &Site, destination_pue: Option<Decimal>) -> Option<MovedLoad> {
    let total = closed.total_energy?.kwh;
    let it = closed.it_energy.map_or(total, |e| e.kwh);
    let destination_kwh = Decimal::from(it) * destination_pue.unwrap_or(Decimal::ONE);
    Some(MovedLoad {
        it_kwh: it,
        destination_kwh,
        destination_pue_known: destination_pue.is_some(),
        saved_kwh: Decimal::from(total) - destination_kwh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SiteInput<'static> {
        SiteInput {
            name: "Saughton House computer room",
            postcode: "eh11 3xd",
            site_type: "data-centre",
            ownership: "owned",
            tier: "2",
            physical_servers: "200",
            virtual_hosts: "20",
            virtual_machines: "400",
            total_energy_kwh: "1,250,000",
            total_energy_metering: "metered",
            it_energy_kwh: "500000",
            it_energy_metering: "estimated",
            cost_power: "150000",
            cost_accommodation: "80000",
            cost_maintenance: "40000",
            cost_staff: "60000",
            opened: "2005-04-01",
            ..SiteInput::default()
        }
    }

    #[test]
    fn pue_and_virtualisation_are_computed() {
        let site = parse_site(&input()).unwrap();
        // 1,250,000 ÷ 500,000 = 2.5; (200 + 400) ÷ 200 = 3.
        assert_eq!(site.pue(), Some(Decimal::new(25, 1)));
        assert_eq!(site.virtualisation_ratio(), Some(Decimal::from(3)));
        assert_eq!(site.postcode.as_deref(), Some("EH11 3XD"));
        assert_eq!(site.costs.total(), Money::from_pounds(330_000).unwrap());
        assert_eq!(
            pue_band(Decimal::new(27, 1)),
            "Above the DCOI target of 1.5"
        );
        assert_eq!(
            pue_band(Decimal::new(31, 1)),
            "Very inefficient (above 3.0)"
        );
        assert_eq!(pue_band(Decimal::new(115, 2)), "Very efficient (below 1.2)");
    }

    #[test]
    fn bad_input_names_each_field() {
        let bad = SiteInput {
            name: " ",
            postcode: "12345",
            site_type: "bunker",
            physical_servers: "-3",
            virtual_hosts: "x",
            total_energy_kwh: "1000",
            total_energy_metering: "metered",
            it_energy_kwh: "2000",
            it_energy_metering: "metered",
            cost_power: "-1",
            opened: "last year",
            ..input()
        };
        let errors = parse_site(&bad).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "postcode",
                "site_type",
                "physical_servers",
                "virtual_hosts",
                "it_energy_kwh",
                "cost_power",
                "opened"
            ]
        );
        assert!(
            errors[5]
                .message
                .contains("more than the total facility energy"),
            "{}",
            errors[5].message
        );
        let negative = parse_site(&SiteInput {
            total_energy_kwh: "-5",
            ..input()
        })
        .unwrap_err();
        assert_eq!(negative[0].field, "total_energy_kwh");
        assert!(negative[0].message.contains("negative"));
        let unmarked = parse_site(&SiteInput {
            it_energy_metering: "",
            ..input()
        })
        .unwrap_err();
        assert_eq!(unmarked[0].field, "it_energy_kwh-metering");
        let too_many_hosts = parse_site(&SiteInput {
            virtual_hosts: "300",
            ..input()
        })
        .unwrap_err();
        assert_eq!(too_many_hosts[0].field, "virtual_hosts");
    }

    #[test]
    fn the_lifecycle_moves_in_order_and_dates_make_sense() {
        use SiteStatus::*;
        let opened = NaiveDate::from_ymd_opt(2005, 4, 1);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let plan = SiteAction::PlanClosure {
            target: day(2015, 3, 31),
            destination: Destination::SharedPublic,
        };
        assert_eq!(apply(Operational, opened, plan), Ok(ClosurePlanned));
        assert_eq!(
            apply(ClosurePlanned, opened, SiteAction::StartMigration),
            Ok(Migrating)
        );
        assert_eq!(
            apply(
                Migrating,
                opened,
                SiteAction::Close {
                    on: day(2015, 2, 1)
                }
            ),
            Ok(Closed)
        );
        assert_eq!(
            apply(Migrating, opened, SiteAction::Cancel),
            Ok(Operational)
        );
        assert!(matches!(
            apply(
                Operational,
                opened,
                SiteAction::Close {
                    on: day(2015, 2, 1)
                }
            ),
            Err(LifecycleError::NotNow(..))
        ));
        assert!(matches!(
            apply(Closed, opened, plan),
            Err(LifecycleError::NotNow(..))
        ));
        assert_eq!(
            apply(
                ClosurePlanned,
                opened,
                SiteAction::Close {
                    on: day(2004, 1, 1)
                }
            ),
            Err(LifecycleError::Field {
                field: "closed_date",
                message: "Closed on: 2004-01-01 is before the site opened (2005-04-01)".into()
            })
        );
    }

    #[test]
    fn a_closure_moves_its_load_to_the_destination() {
        let site = parse_site(&input()).unwrap();
        // Running costs £330,000 stop; £90,000 a year moves to the shared data centre.
        let saving = closure_saving(
            &site.costs,
            Money::from_pounds(90_000).unwrap(),
            Money::from_pounds(120_000).unwrap(),
        );
        assert_eq!(saving.recurring, Money::from_pounds(240_000).unwrap());
        // 500,000 kWh of IT load moves to a destination with PUE 1.4: it uses 700,000 kWh there;
        // the closed site used 1,250,000, so 550,000 kWh are saved, not 1,250,000.
        let moved = moved_load(&site, Some(Decimal::new(14, 1))).unwrap();
        assert_eq!(moved.destination_kwh, Decimal::from(700_000));
        assert_eq!(moved.saved_kwh, Decimal::from(550_000));
        let unknown = moved_load(&site, None).unwrap();
        assert_eq!(unknown.destination_kwh, Decimal::from(500_000));
        assert!(!unknown.destination_pue_known);
    }
}

/// Whether a closure shows up as cash: the body's facilities and energy spend in the year
/// after the closure year against the year before it (issue 7, "closure to cash").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CashCheck {
    /// Spend fell by this much.
    Fell(Money),
    /// Spend stayed the same or rose by this much: flagged for the board.
    DidNotFall(Money),
    /// A counted return for one of the two years is missing.
    NotYetKnown,
}

pub fn closure_to_cash(before: Option<Money>, after: Option<Money>) -> CashCheck {
    match (before, after) {
        (Some(before), Some(after)) if after < before => {
            CashCheck::Fell(before.checked_sub(after).unwrap_or(Money::ZERO))
        }
        (Some(before), Some(after)) => {
            CashCheck::DidNotFall(after.checked_sub(before).unwrap_or(Money::ZERO))
        }
        _ => CashCheck::NotYetKnown,
    }
}

#[cfg(test)]
mod cash_tests {
    use super::*;

    #[test]
    fn a_closure_is_cash_only_if_spend_fell() {
        let m = Money::from_pence;
        assert_eq!(
            closure_to_cash(Some(m(500)), Some(m(300))),
            CashCheck::Fell(m(200))
        );
        assert_eq!(
            closure_to_cash(Some(m(500)), Some(m(500))),
            CashCheck::DidNotFall(m(0))
        );
        assert_eq!(
            closure_to_cash(Some(m(500)), Some(m(650))),
            CashCheck::DidNotFall(m(150))
        );
        assert_eq!(closure_to_cash(None, Some(m(1))), CashCheck::NotYetKnown);
    }
}
