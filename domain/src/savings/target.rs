//! Targets: the national savings trajectory, its apportionment to sectors and bodies, and the
//! red/amber/green status of what was achieved against what was planned.
//!
//! Policy (issue 6; `shared/DOMAIN.md` §3):
//! - The trajectory is a yearly profile of national savings (nominal cash, as the review set
//!   it). The shipped profiles are illustrative assumptions that meet the review's published
//!   constraints (savings from 2012-13; at least £230m a year in 2015-16; £870m–£1bn over the
//!   five years to 2016-17); an admin may edit them.
//! - A year's national target is divided by largest remainder (`apportion`), so apportioned
//!   targets add up to the target to the penny. The method is recorded with the figures:
//!   `ReviewNationalShare` (the default) gives each body that existed in the year the share of
//!   the target that its effective baseline is of the review's national baseline (£1.4bn), so
//!   every body is asked for the same proportion of its baseline and the share of bodies with
//!   no recorded baseline stays visible as "not apportioned"; `BaselineShare` divides the whole
//!   target between the bodies with a baseline by their baselines; `ReviewSectorShare` first
//!   divides it between sectors by the review's published sector baselines, then within each
//!   sector by the bodies' baselines. Sectors get the sum of their bodies except under
//!   `ReviewSectorShare`. What cannot be placed is kept as "not apportioned", never dropped.
//! - RAG (the tracker's convention, shown in the legend): green when the saving achieved is at
//!   least the target; amber from `AMBER_FROM_PERCENT`% of it; red below; not reported when the
//!   body has no counted return for the year.

use super::apportion::apportion;
use crate::{FinancialYear, Money, OrgId, Sector};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Amber from this share of the target (percent).
pub const AMBER_FROM_PERCENT: i64 = 80;

/// A profile of national annual savings targets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trajectory {
    pub profile: String,
    pub annual: BTreeMap<FinancialYear, Money>,
}

impl Trajectory {
    /// The running total of the annual targets, year by year.
    pub fn cumulative(&self) -> BTreeMap<FinancialYear, Money> {
        let mut running = Money::ZERO;
        self.annual
            .iter()
            .map(|(year, amount)| {
                running = running.checked_add(*amount).unwrap_or(running);
                (*year, running)
            })
            .collect()
    }

    pub fn target(&self, year: FinancialYear) -> Option<Money> {
        self.annual.get(&year).copied()
    }
}

/// How a national target is divided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApportionMethod {
    ReviewNationalShare,
    BaselineShare,
    ReviewSectorShare,
}

impl ApportionMethod {
    pub const ALL: [ApportionMethod; 3] = [
        ApportionMethod::ReviewNationalShare,
        ApportionMethod::BaselineShare,
        ApportionMethod::ReviewSectorShare,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApportionMethod::ReviewNationalShare => "review-national-share",
            ApportionMethod::BaselineShare => "baseline-share",
            ApportionMethod::ReviewSectorShare => "review-sector-share",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ApportionMethod::ReviewNationalShare => {
                "By each body's baseline as a share of the review's national baseline"
            }
            ApportionMethod::BaselineShare => "By each body's share of the recorded baselines",
            ApportionMethod::ReviewSectorShare => {
                "To sectors by the review's sector baselines, then to bodies by baseline share"
            }
        }
    }

    pub fn parse(text: &str) -> Option<ApportionMethod> {
        Self::ALL.into_iter().find(|m| m.code() == text.trim())
    }
}

/// A body that shares in a year's target: its sector and effective baseline (the weight).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claimant {
    pub org: OrgId,
    pub sector: Sector,
    pub baseline: Money,
}

/// A national target divided between sectors and bodies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apportionment {
    pub sectors: BTreeMap<Sector, Money>,
    pub bodies: BTreeMap<OrgId, Money>,
    /// What could not be given to any body (no baseline to weigh by).
    pub not_apportioned: Money,
    /// The method the figures were divided by: the one asked for, except that
    /// `ReviewNationalShare` cannot weigh by a share of the review's national baseline once
    /// the recorded baselines exceed it (the shares would add to more than the target), and
    /// then divides by `BaselineShare` — said here, so the trace never states the wrong
    /// formula (ADR 0010, rule 5).
    pub method_used: Option<ApportionMethod>,
}

fn weight(amount: Money) -> u64 {
    u64::try_from(amount.pence()).unwrap_or(0)
}

/// The review's published baselines that targets may be apportioned by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewBaselines {
    pub national: Money,
    pub sectors: BTreeMap<Sector, Money>,
}

/// Divides `target` between the claimants by `method`.
pub fn apportion_target(
    target: Money,
    method: ApportionMethod,
    claimants: &[Claimant],
    review: &ReviewBaselines,
) -> Apportionment {
    let review_sectors = &review.sectors;
    let mut sorted: Vec<&Claimant> = claimants.iter().collect();
    sorted.sort_by_key(|c| (c.sector, c.org));
    let recorded: u64 = sorted.iter().map(|c| weight(c.baseline)).sum();
    let method = match method {
        ApportionMethod::ReviewNationalShare if recorded > weight(review.national) => {
            ApportionMethod::BaselineShare
        }
        other => other,
    };
    let mut out = Apportionment {
        method_used: Some(method),
        ..Apportionment::default()
    };
    match method {
        ApportionMethod::ReviewNationalShare => {
            let mut weights: Vec<u64> = sorted.iter().map(|c| weight(c.baseline)).collect();
            let recorded: u64 = weights.iter().sum();
            // The part of the national baseline no body has recorded carries its share of the
            // target, which stays not apportioned.
            weights.push(weight(review.national).saturating_sub(recorded));
            match apportion(target, &weights) {
                Ok(mut parts) => {
                    out.not_apportioned = parts.pop().unwrap_or_default();
                    for (claimant, part) in sorted.iter().zip(parts) {
                        out.bodies.insert(claimant.org, part);
                        let sector = out.sectors.entry(claimant.sector).or_default();
                        *sector = sector.checked_add(part).unwrap_or(*sector);
                    }
                }
                Err(_) => out.not_apportioned = target,
            }
        }
        ApportionMethod::BaselineShare => {
            let weights: Vec<u64> = sorted.iter().map(|c| weight(c.baseline)).collect();
            match apportion(target, &weights) {
                Ok(parts) => {
                    for (claimant, part) in sorted.iter().zip(parts) {
                        out.bodies.insert(claimant.org, part);
                        let sector = out.sectors.entry(claimant.sector).or_default();
                        *sector = sector.checked_add(part).unwrap_or(*sector);
                    }
                }
                Err(_) => out.not_apportioned = target,
            }
        }
        ApportionMethod::ReviewSectorShare => {
            let sectors: Vec<Sector> = Sector::ALL.to_vec();
            let weights: Vec<u64> = sectors
                .iter()
                .map(|s| review_sectors.get(s).copied().map_or(0, weight))
                .collect();
            let Ok(sector_parts) = apportion(target, &weights) else {
                out.not_apportioned = target;
                return out;
            };
            for (sector, sector_target) in sectors.into_iter().zip(sector_parts) {
                out.sectors.insert(sector, sector_target);
                let members: Vec<&&Claimant> =
                    sorted.iter().filter(|c| c.sector == sector).collect();
                let weights: Vec<u64> = members.iter().map(|c| weight(c.baseline)).collect();
                match apportion(sector_target, &weights) {
                    Ok(parts) => {
                        for (claimant, part) in members.into_iter().zip(parts) {
                            out.bodies.insert(claimant.org, part);
                        }
                    }
                    Err(_) => {
                        out.not_apportioned = out
                            .not_apportioned
                            .checked_add(sector_target)
                            .unwrap_or(out.not_apportioned)
                    }
                }
            }
            out.sectors.retain(|_, m| *m != Money::ZERO);
        }
    }
    out
}

/// Red, amber or green.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rag {
    Red,
    Amber,
    Green,
    NotReported,
    /// The trajectory sets no target for the year: nothing to rate against (never a colour).
    NoTarget,
}

impl Rag {
    pub fn code(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
            Rag::NotReported => "not-reported",
            Rag::NoTarget => "no-target",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Rag::Red => "Red: below 80% of target",
            Rag::Amber => "Amber: 80% of target or more",
            Rag::Green => "Green: target met",
            Rag::NotReported => "Not reported",
            Rag::NoTarget => "No target",
        }
    }
    /// Whether the body must explain the figure.
    pub fn needs_explanation(self) -> bool {
        matches!(self, Rag::Red | Rag::Amber)
    }
}

/// The status of a saving against its target, both on one basis (ADR 0010, rule 4): the
/// saving as shown (nominal, or real at a year's prices) against the target converted to the
/// same basis — a target is cash in its own year's prices, so in real terms it is multiplied by
/// that year's deflation factor, exactly as the year's actual spend is. No target: `NoTarget`.
pub fn rate(saving: Option<Decimal>, target: Option<Decimal>) -> Rag {
    let Some(target) = target else {
        return Rag::NoTarget;
    };
    let Some(achieved) = saving else {
        return Rag::NotReported;
    };
    if achieved >= target {
        Rag::Green
    } else if achieved * Decimal::ONE_HUNDRED >= target * Decimal::from(AMBER_FROM_PERCENT) {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// The status of a nominal saving achieved against its cash target.
pub fn rag(achieved: Option<Decimal>, target: Money) -> Rag {
    rate(achieved, Some(target.as_decimal()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn claimants(weights: &[(i64, Sector, i64)]) -> Vec<Claimant> {
        weights
            .iter()
            .map(|(org, sector, pence)| Claimant {
                org: OrgId(*org),
                sector: *sector,
                baseline: Money::from_pence(*pence),
            })
            .collect()
    }

    #[test]
    fn rag_bands() {
        let target = Money::from_pence(10_000);
        assert_eq!(rag(Some(Decimal::from(100)), target), Rag::Green);
        assert_eq!(rag(Some(Decimal::from(80)), target), Rag::Amber);
        assert_eq!(rag(Some(Decimal::new(7999, 2)), target), Rag::Red);
        assert_eq!(rag(Some(Decimal::from(-5)), target), Rag::Red);
        assert_eq!(rag(None, target), Rag::NotReported);
        assert_eq!(rag(Some(Decimal::ZERO), Money::ZERO), Rag::Green);
    }

    #[test]
    fn a_year_without_a_target_has_no_colour() {
        assert_eq!(rate(Some(Decimal::from(100)), None), Rag::NoTarget);
        assert_eq!(rate(None, None), Rag::NoTarget);
        assert_eq!(rate(None, Some(Decimal::from(5))), Rag::NotReported);
    }

    #[test]
    fn a_real_terms_saving_is_rated_against_the_target_in_the_same_prices() {
        // A year whose prices are deflated by 1.25 to the base year: a £60 cash target is
        // £75 at base-year prices. A real saving of £70 is amber against £75, not green
        // against the cash £60.
        let factor = Decimal::new(125, 2);
        let target = Decimal::from(60) * factor;
        assert_eq!(rate(Some(Decimal::from(70)), Some(target)), Rag::Amber);
    }

    #[test]
    fn each_body_is_asked_for_the_same_share_of_its_baseline() {
        // National baseline £1,000; target £100 (10%). Bodies with baselines £200 and £300
        // are asked for £20 and £30; the £50 share of the unrecorded £500 is not apportioned.
        let split = apportion_target(
            Money::from_pence(10_000),
            ApportionMethod::ReviewNationalShare,
            &claimants(&[
                (1, Sector::Nhs, 20_000),
                (2, Sector::LocalGovernment, 30_000),
            ]),
            &ReviewBaselines {
                national: Money::from_pence(100_000),
                sectors: BTreeMap::new(),
            },
        );
        assert_eq!(split.bodies[&OrgId(1)], Money::from_pence(2_000));
        assert_eq!(split.bodies[&OrgId(2)], Money::from_pence(3_000));
        assert_eq!(split.sectors[&Sector::Nhs], Money::from_pence(2_000));
        assert_eq!(split.not_apportioned, Money::from_pence(5_000));
    }

    #[test]
    fn recorded_baselines_above_the_review_s_national_figure_divide_by_baseline_share_and_say_so() {
        let review = ReviewBaselines {
            national: Money::from_pence(400),
            sectors: BTreeMap::new(),
        };
        let over = claimants(&[(1, Sector::Nhs, 300), (2, Sector::Nhs, 200)]);
        let split = apportion_target(
            Money::from_pence(100),
            ApportionMethod::ReviewNationalShare,
            &over,
            &review,
        );
        assert_eq!(split.method_used, Some(ApportionMethod::BaselineShare));
        assert_eq!(split.bodies[&OrgId(1)], Money::from_pence(60));
        assert_eq!(split.not_apportioned, Money::ZERO);
        let under = claimants(&[(1, Sector::Nhs, 100)]);
        let split = apportion_target(
            Money::from_pence(100),
            ApportionMethod::ReviewNationalShare,
            &under,
            &review,
        );
        assert_eq!(
            split.method_used,
            Some(ApportionMethod::ReviewNationalShare)
        );
    }

    #[test]
    fn a_sector_with_no_body_baseline_keeps_its_share_visible() {
        let mut review = BTreeMap::new();
        review.insert(Sector::LocalGovernment, Money::from_pence(300));
        review.insert(Sector::Nhs, Money::from_pence(100));
        let split = apportion_target(
            Money::from_pence(1000),
            ApportionMethod::ReviewSectorShare,
            &claimants(&[
                (1, Sector::LocalGovernment, 5),
                (2, Sector::LocalGovernment, 15),
            ]),
            &ReviewBaselines {
                national: Money::from_pence(400),
                sectors: review,
            },
        );
        assert_eq!(
            split.sectors[&Sector::LocalGovernment],
            Money::from_pence(750)
        );
        assert_eq!(split.bodies[&OrgId(1)], Money::from_pence(188));
        assert_eq!(split.bodies[&OrgId(2)], Money::from_pence(562));
        assert_eq!(split.not_apportioned, Money::from_pence(250));
    }

    proptest! {
        /// Whatever the method, sectors add up to the target, and bodies plus what could not
        /// be placed add up to it too, to the penny.
        #[test]
        fn an_apportioned_target_sums_to_the_target(
            target in 0i64..100_000_000_000_000,
            bodies in proptest::collection::vec((0usize..6, 0i64..10_000_000_000_000), 0..60),
            review in proptest::array::uniform6(0i64..100_000_000_000),
            national in 0i64..1_000_000_000_000_000,
        ) {
            let list: Vec<Claimant> = bodies.iter().enumerate()
                .map(|(i, (s, p))| Claimant { org: OrgId(i as i64), sector: Sector::ALL[*s], baseline: Money::from_pence(*p) })
                .collect();
            let sectors: BTreeMap<Sector, Money> = Sector::ALL.into_iter().zip(review)
                .map(|(s, p)| (s, Money::from_pence(p))).collect();
            let review = ReviewBaselines { national: Money::from_pence(national), sectors };
            for method in ApportionMethod::ALL {
                let split = apportion_target(Money::from_pence(target), method, &list, &review);
                let bodies: i64 = split.bodies.values().map(|m| m.pence()).sum();
                prop_assert_eq!(bodies + split.not_apportioned.pence(), target);
                let sectors: i64 = split.sectors.values().map(|m| m.pence()).sum();
                if method == ApportionMethod::ReviewSectorShare {
                    // Sectors take the whole target (when the review gives them any weight).
                    let expected = if review.sectors.values().all(|m| *m == Money::ZERO) { 0 } else { target };
                    prop_assert_eq!(sectors, expected);
                } else {
                    // Sectors are the sums of their bodies.
                    prop_assert_eq!(sectors, bodies);
                }
            }
        }
    }
}
