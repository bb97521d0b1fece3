//! The public-sector ICT estate: data centres (inventory, lifecycle, energy and carbon,
//! consolidation) and shared services (catalogue and adoption) — issue 7.
//!
//! Policy: pure and exact, like the savings engine. Energy is whole kWh; PUE and the
//! virtualisation ratio are computed, never typed; carbon is kWh × the UK Government GHG
//! conversion factor of the year, kept exact and rounded only for display; a missing factor is
//! shown as missing, never as zero.

pub mod adoption;
pub mod carbon;
pub mod site;
pub mod target;

pub use adoption::AdoptionStage;
pub use carbon::CarbonFactors;
pub use site::{Destination, Metering, Ownership, Site, SiteStatus, SiteType};
