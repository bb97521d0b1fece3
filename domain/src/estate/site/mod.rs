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

use crate::Money;
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

mod closure;
mod input;
mod lifecycle;

pub use closure::*;
pub use input::*;
pub use lifecycle::*;

#[cfg(test)]
mod tests;
