//! Spend categories: the McClelland review's three cost groups and the categories under them.
//!
//! Source: McClelland review (2011) §13 for the groups (external spend with suppliers, ICT
//! staff, other costs); the categories are mapped to the Technology Business Management (TBM)
//! cost pools so that figures compare with other programmes (`shared/DOMAIN.md` §5).

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The review's three cost groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CostGroup {
    ExternalSpend,
    IctStaff,
    OtherCosts,
}

impl CostGroup {
    pub const ALL: [CostGroup; 3] = [
        CostGroup::ExternalSpend,
        CostGroup::IctStaff,
        CostGroup::OtherCosts,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CostGroup::ExternalSpend => "external-spend",
            CostGroup::IctStaff => "ict-staff",
            CostGroup::OtherCosts => "other-costs",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CostGroup::ExternalSpend => "External spend with suppliers",
            CostGroup::IctStaff => "ICT staff",
            CostGroup::OtherCosts => "Other costs",
        }
    }

    pub fn categories(self) -> impl Iterator<Item = SpendCategory> {
        SpendCategory::ALL
            .into_iter()
            .filter(move |c| c.group() == self)
    }
}

impl FromStr for CostGroup {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CostGroup::ALL
            .into_iter()
            .find(|g| g.code().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                ParseError::new(
                    "cost group",
                    text,
                    "external-spend, ict-staff or other-costs",
                )
            })
    }
}

/// A category of ICT spend on a return. Every amount is split capital/revenue; the staff
/// category also carries a headcount in FTE, which is not money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum SpendCategory {
    Hardware,
    Software,
    IctServices,
    TelecomsAndNetwork,
    StaffCost,
    AccommodationAndFacilities,
    Energy,
    CapitalFinancing,
    Other,
}

impl SpendCategory {
    pub const ALL: [SpendCategory; 9] = [
        SpendCategory::Hardware,
        SpendCategory::Software,
        SpendCategory::IctServices,
        SpendCategory::TelecomsAndNetwork,
        SpendCategory::StaffCost,
        SpendCategory::AccommodationAndFacilities,
        SpendCategory::Energy,
        SpendCategory::CapitalFinancing,
        SpendCategory::Other,
    ];

    pub fn group(self) -> CostGroup {
        match self {
            SpendCategory::Hardware
            | SpendCategory::Software
            | SpendCategory::IctServices
            | SpendCategory::TelecomsAndNetwork => CostGroup::ExternalSpend,
            SpendCategory::StaffCost => CostGroup::IctStaff,
            SpendCategory::AccommodationAndFacilities
            | SpendCategory::Energy
            | SpendCategory::CapitalFinancing
            | SpendCategory::Other => CostGroup::OtherCosts,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            SpendCategory::Hardware => "hardware",
            SpendCategory::Software => "software",
            SpendCategory::IctServices => "ict-services",
            SpendCategory::TelecomsAndNetwork => "telecoms-network",
            SpendCategory::StaffCost => "staff",
            SpendCategory::AccommodationAndFacilities => "accommodation-facilities",
            SpendCategory::Energy => "energy",
            SpendCategory::CapitalFinancing => "capital-financing",
            SpendCategory::Other => "other",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SpendCategory::Hardware => "Hardware (purchase, lease, maintenance)",
            SpendCategory::Software => "Software (licences, subscriptions, maintenance)",
            SpendCategory::IctServices => {
                "ICT services (managed, outsourced, cloud, consultancy, contractors)"
            }
            SpendCategory::TelecomsAndNetwork => "Telecoms and network (WAN/LAN, voice, mobile)",
            SpendCategory::StaffCost => "ICT staff",
            SpendCategory::AccommodationAndFacilities => "Accommodation and data-centre facilities",
            SpendCategory::Energy => "Energy, including cooling",
            SpendCategory::CapitalFinancing => "Capital financing (depreciation, interest)",
            SpendCategory::Other => "Other costs",
        }
    }

    /// The TBM cost pool the category maps to.
    pub fn tbm_cost_pool(self) -> &'static str {
        match self {
            SpendCategory::Hardware => "Hardware",
            SpendCategory::Software => "Software",
            SpendCategory::IctServices => "Outside Services / External Labour",
            SpendCategory::TelecomsAndNetwork => "Telecom",
            SpendCategory::StaffCost => "Internal Labour",
            SpendCategory::AccommodationAndFacilities | SpendCategory::Energy => {
                "Facilities & Power"
            }
            SpendCategory::CapitalFinancing | SpendCategory::Other => "Other",
        }
    }

    /// Whether the line may be negative (refunds, credit notes). A tracker decision: only the
    /// catch-all `Other` category; every named cost is £0 or more.
    pub fn allows_credits(self) -> bool {
        self == SpendCategory::Other
    }

    /// Whether the line also records a headcount in full-time equivalents.
    pub fn records_fte(self) -> bool {
        self == SpendCategory::StaffCost
    }
}

impl fmt::Display for SpendCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SpendCategory {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        SpendCategory::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                ParseError::new(
                    "spend category",
                    text,
                    "one of hardware, software, ict-services, telecoms-network, staff, \
                     accommodation-facilities, energy, capital-financing, other",
                )
            })
    }
}

impl TryFrom<String> for SpendCategory {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<SpendCategory> for String {
    fn from(value: SpendCategory) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_review_has_three_groups_covering_every_category_once() {
        let counted: usize = CostGroup::ALL.iter().map(|g| g.categories().count()).sum();
        assert_eq!(counted, SpendCategory::ALL.len());
        assert_eq!(CostGroup::ExternalSpend.categories().count(), 4);
        assert_eq!(
            CostGroup::IctStaff.categories().collect::<Vec<_>>(),
            vec![SpendCategory::StaffCost]
        );
        assert_eq!(CostGroup::OtherCosts.categories().count(), 4);
    }

    #[test]
    fn every_category_parses_from_its_code() {
        for c in SpendCategory::ALL {
            assert_eq!(c.code().parse::<SpendCategory>(), Ok(c));
        }
        assert!("furniture".parse::<SpendCategory>().is_err());
    }

    #[test]
    fn only_staff_records_fte() {
        let with_fte: Vec<_> = SpendCategory::ALL
            .into_iter()
            .filter(|c| c.records_fte())
            .collect();
        assert_eq!(with_fte, vec![SpendCategory::StaffCost]);
    }

    #[test]
    fn energy_and_facilities_share_the_tbm_pool() {
        assert_eq!(SpendCategory::Energy.tbm_cost_pool(), "Facilities & Power");
        assert_eq!(
            SpendCategory::AccommodationAndFacilities.tbm_cost_pool(),
            "Facilities & Power"
        );
    }
}
