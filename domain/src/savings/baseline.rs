//! Baselines: what each body spent on ICT in its baseline year, by category, and how a body
//! formed by a merger or split inherits its predecessors' baselines.
//!
//! Policy (issue 6; `shared/DOMAIN.md` §4):
//! - A body's baseline is the latest version it recorded, for its baseline year (2008-09, the
//!   review's year, unless the body did not exist then).
//! - A body that records no baseline of its own but has predecessors inherits theirs: a
//!   successor's baseline is the sum of its predecessors' ("the eight police forces … became
//!   Police Scotland"). A body that records its own baseline keeps it (a deliberate restatement,
//!   shown in its trace).
//! - A predecessor that passed to several successors (a split) passes each of them the share
//!   recorded on the succession. The shares must add up to exactly 100%; each amount is divided
//!   to the penny by largest remainder, so a split, like a merger, preserves the total. A split
//!   whose shares are missing or do not add up passes nothing on and is reported, so the gap is
//!   visible rather than guessed.
//! - Every inherited part keeps its source body, baseline version and year (its prices), so real
//!   terms deflate each part from its own year and the trace can name it.

use super::apportion::apportion;
use crate::{FinancialYear, Money, OrgId, SpendCategory};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A share of a predecessor passed to one successor, in parts per million (100% = 1,000,000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Share(u32);

impl Share {
    pub const WHOLE: Share = Share(1_000_000);

    pub fn from_ppm(ppm: u32) -> Option<Share> {
        (ppm <= 1_000_000).then_some(Share(ppm))
    }

    pub fn ppm(self) -> u32 {
        self.0
    }

    /// "60%", "37.5%", "0.6" or "0.375": at most four decimal places of a percentage.
    pub fn parse(text: &str) -> Option<Share> {
        use rust_decimal::Decimal;
        let text = text.trim();
        let (number, per) = match text.strip_suffix('%') {
            Some(percent) => (percent.trim(), Decimal::ONE_HUNDRED),
            None => (text, Decimal::ONE),
        };
        let value: Decimal = number.parse().ok()?;
        let ppm = value.checked_mul(Decimal::from(1_000_000))? / per;
        if !ppm.fract().is_zero() || ppm.is_sign_negative() {
            return None;
        }
        u32::try_from(rust_decimal::prelude::ToPrimitive::to_u64(&ppm)?)
            .ok()
            .and_then(Share::from_ppm)
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = rust_decimal::Decimal::new(i64::from(self.0), 4).normalize();
        write!(f, "{percent}%")
    }
}

/// One version of a body's own baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedBaseline {
    pub org: OrgId,
    pub year: FinancialYear,
    pub version: i64,
    pub amounts: BTreeMap<SpendCategory, Money>,
}

/// A predecessor's passing to a successor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Succession {
    pub predecessor: OrgId,
    pub successor: OrgId,
    pub effective: NaiveDate,
    /// For a split, the share of the predecessor's baseline this successor takes.
    pub share: Option<Share>,
}

/// One amount of an effective baseline, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselinePart {
    pub category: SpendCategory,
    pub amount: Money,
    /// The body whose recorded baseline this is, its version and baseline year (its prices).
    pub source: OrgId,
    pub source_version: i64,
    pub year: FinancialYear,
    /// The successions it passed through, oldest first, with the share taken at each.
    pub via: Vec<(OrgId, Share)>,
}

/// A body's baseline after successions: its own, or what it inherited.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveBaseline {
    pub parts: Vec<BaselinePart>,
    /// Part of what the body should inherit could not be passed on (a split without shares
    /// that add to 100%, a predecessor without a baseline, or a predecessor whose own inherited
    /// baseline is incomplete): its years are "incomplete" and never counted as a saving
    /// (ADR 0010, rule 3).
    #[serde(default)]
    pub incomplete: bool,
}

impl EffectiveBaseline {
    /// The nominal total of a category (amounts at their own years' prices, added as cash).
    pub fn amount(&self, category: SpendCategory) -> Money {
        Money::sum(
            self.parts
                .iter()
                .filter(|p| p.category == category)
                .map(|p| p.amount),
        )
        .unwrap_or(Money::ZERO)
    }

    pub fn total(&self) -> Money {
        Money::sum(self.parts.iter().map(|p| p.amount)).unwrap_or(Money::ZERO)
    }

    /// Whether the baseline is the body's own (not inherited).
    pub fn is_own(&self, org: OrgId) -> bool {
        self.parts.iter().all(|p| p.source == org)
    }

    /// Amounts grouped by category and price year (what the read model stores).
    pub fn priced(&self) -> BTreeMap<(SpendCategory, FinancialYear), Money> {
        let mut out: BTreeMap<(SpendCategory, FinancialYear), Money> = BTreeMap::new();
        for part in &self.parts {
            let entry = out.entry((part.category, part.year)).or_default();
            *entry = entry.checked_add(part.amount).unwrap_or(*entry);
        }
        out
    }
}

/// Something that keeps a baseline from being passed on, for people to fix.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BaselineIssue {
    /// A body that split has successions without a share, or shares that do not add to 100%.
    SplitSharesIncomplete { predecessor: OrgId, total_ppm: u64 },
    /// A predecessor has no baseline (recorded or inherited) to pass on.
    PredecessorWithoutBaseline {
        predecessor: OrgId,
        successor: OrgId,
    },
    /// The successions loop back on themselves.
    Cycle { org: OrgId },
}

/// The effective baseline of every body that has one, and what stopped the others.
pub fn effective_baselines(
    recorded: &[RecordedBaseline],
    successions: &[Succession],
) -> (BTreeMap<OrgId, EffectiveBaseline>, BTreeSet<BaselineIssue>) {
    let mut own: BTreeMap<OrgId, &RecordedBaseline> = BTreeMap::new();
    for baseline in recorded {
        let newer = own
            .get(&baseline.org)
            .is_none_or(|b| b.version < baseline.version);
        if newer {
            own.insert(baseline.org, baseline);
        }
    }
    let mut resolver = Resolver {
        own,
        successions,
        done: BTreeMap::new(),
        visiting: BTreeSet::new(),
        issues: BTreeSet::new(),
    };
    let mut orgs: BTreeSet<OrgId> = resolver.own.keys().copied().collect();
    orgs.extend(successions.iter().map(|s| s.successor));
    for org in orgs {
        resolver.resolve(org);
    }
    let baselines = resolver
        .done
        .into_iter()
        .filter_map(|(org, b)| b.map(|b| (org, b)))
        .collect();
    (baselines, resolver.issues)
}

struct Resolver<'a> {
    own: BTreeMap<OrgId, &'a RecordedBaseline>,
    successions: &'a [Succession],
    done: BTreeMap<OrgId, Option<EffectiveBaseline>>,
    visiting: BTreeSet<OrgId>,
    issues: BTreeSet<BaselineIssue>,
}

impl Resolver<'_> {
    fn resolve(&mut self, org: OrgId) -> Option<EffectiveBaseline> {
        if let Some(done) = self.done.get(&org) {
            return done.clone();
        }
        if !self.visiting.insert(org) {
            self.issues.insert(BaselineIssue::Cycle { org });
            return None;
        }
        let result = self.compute(org);
        self.visiting.remove(&org);
        self.done.insert(org, result.clone());
        result
    }

    fn compute(&mut self, org: OrgId) -> Option<EffectiveBaseline> {
        if let Some(recorded) = self.own.get(&org) {
            return Some(own_baseline(org, recorded));
        }
        let mut predecessors: Vec<OrgId> = self
            .successions
            .iter()
            .filter(|s| s.successor == org)
            .map(|s| s.predecessor)
            .collect();
        if predecessors.is_empty() {
            return None;
        }
        predecessors.sort();
        predecessors.dedup();
        let mut parts = Vec::new();
        let mut incomplete = false;
        for predecessor in predecessors {
            let inherited = self.resolve(predecessor).filter(|b| !b.parts.is_empty());
            let Some(inherited) = inherited else {
                self.issues
                    .insert(BaselineIssue::PredecessorWithoutBaseline {
                        predecessor,
                        successor: org,
                    });
                incomplete = true;
                continue;
            };
            incomplete |= inherited.incomplete;
            let mut outgoing: Vec<&Succession> = self
                .successions
                .iter()
                .filter(|s| s.predecessor == predecessor)
                .collect();
            outgoing.sort_by_key(|s| s.successor);
            let shares: Vec<Share> = if outgoing.len() == 1 {
                vec![outgoing[0].share.unwrap_or(Share::WHOLE)]
            } else {
                outgoing.iter().filter_map(|s| s.share).collect()
            };
            let total_ppm: u64 = shares.iter().map(|s| u64::from(s.ppm())).sum();
            if shares.len() != outgoing.len() || total_ppm != u64::from(Share::WHOLE.ppm()) {
                self.issues.insert(BaselineIssue::SplitSharesIncomplete {
                    predecessor,
                    total_ppm,
                });
                incomplete = true;
                continue;
            }
            let Some(mine) = outgoing.iter().position(|s| s.successor == org) else {
                continue;
            };
            let weights: Vec<u64> = shares.iter().map(|s| u64::from(s.ppm())).collect();
            for part in inherited.parts {
                // Shares add to 100%, so there is always weight to divide by.
                let Ok(pieces) = apportion(part.amount, &weights) else {
                    continue;
                };
                let mut via = part.via.clone();
                via.push((predecessor, shares[mine]));
                parts.push(BaselinePart {
                    amount: pieces[mine],
                    via,
                    ..part
                });
            }
        }
        Some(EffectiveBaseline { parts, incomplete })
    }
}

/// A body's own recorded baseline, every part its own (nothing inherited).
fn own_baseline(org: OrgId, recorded: &RecordedBaseline) -> EffectiveBaseline {
    let parts = recorded
        .amounts
        .iter()
        .map(|(category, amount)| BaselinePart {
            category: *category,
            amount: *amount,
            source: org,
            source_version: recorded.version,
            year: recorded.year,
            via: Vec::new(),
        })
        .collect();
    EffectiveBaseline {
        parts,
        incomplete: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }
    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2013, 4, 1).unwrap()
    }
    fn recorded(org: i64, version: i64, hardware_pence: i64) -> RecordedBaseline {
        RecordedBaseline {
            org: OrgId(org),
            year: fy(2008),
            version,
            amounts: [(SpendCategory::Hardware, Money::from_pence(hardware_pence))].into(),
        }
    }
    fn succession(from: i64, to: i64, share: Option<u32>) -> Succession {
        Succession {
            predecessor: OrgId(from),
            successor: OrgId(to),
            effective: day(),
            share: share.map(|ppm| Share::from_ppm(ppm).unwrap()),
        }
    }

    #[test]
    fn shares_parse_as_percentages_or_fractions() {
        assert_eq!(Share::parse("60%"), Share::from_ppm(600_000));
        assert_eq!(Share::parse("0.375"), Share::from_ppm(375_000));
        assert_eq!(Share::parse("12.3456%"), Share::from_ppm(123_456));
        assert_eq!(Share::parse("12.34567%"), None);
        assert_eq!(Share::parse("101%"), None);
        assert_eq!(Share::parse("-1%"), None);
        assert_eq!(Share::from_ppm(375_000).unwrap().to_string(), "37.5%");
    }

    #[test]
    fn the_latest_recorded_version_counts() {
        let (baselines, issues) =
            effective_baselines(&[recorded(1, 1, 500), recorded(1, 2, 700)], &[]);
        assert!(issues.is_empty());
        assert_eq!(baselines[&OrgId(1)].total(), Money::from_pence(700));
        assert_eq!(baselines[&OrgId(1)].parts[0].source_version, 2);
    }

    #[test]
    fn a_merged_body_inherits_the_sum_with_each_source_named() {
        let (baselines, issues) = effective_baselines(
            &[recorded(1, 1, 500), recorded(2, 3, 250)],
            &[succession(1, 9, None), succession(2, 9, None)],
        );
        assert!(issues.is_empty());
        let merged = &baselines[&OrgId(9)];
        assert_eq!(merged.total(), Money::from_pence(750));
        assert!(!merged.is_own(OrgId(9)));
        let sources: Vec<_> = merged
            .parts
            .iter()
            .map(|p| (p.source, p.source_version))
            .collect();
        assert_eq!(sources, vec![(OrgId(1), 1), (OrgId(2), 3)]);
    }

    #[test]
    fn a_split_passes_each_successor_its_share_to_the_penny() {
        let (baselines, issues) = effective_baselines(
            &[recorded(1, 1, 1001)],
            &[
                succession(1, 8, Some(333_333)),
                succession(1, 9, Some(666_667)),
            ],
        );
        assert!(issues.is_empty());
        let eight = baselines[&OrgId(8)].total().pence();
        let nine = baselines[&OrgId(9)].total().pence();
        assert_eq!(eight + nine, 1001);
        assert_eq!((eight, nine), (334, 667));
    }

    #[test]
    fn a_split_without_shares_passes_nothing_and_says_so() {
        let (baselines, issues) = effective_baselines(
            &[recorded(1, 1, 1000)],
            &[succession(1, 8, None), succession(1, 9, Some(500_000))],
        );
        assert!(baselines[&OrgId(8)].parts.is_empty());
        assert!(baselines[&OrgId(8)].incomplete && baselines[&OrgId(9)].incomplete);
        assert!(issues.contains(&BaselineIssue::SplitSharesIncomplete {
            predecessor: OrgId(1),
            total_ppm: 500_000
        }));
    }

    #[test]
    fn missing_predecessors_and_cycles_are_reported() {
        let (baselines, issues) =
            effective_baselines(&[], &[succession(1, 2, None), succession(2, 1, None)]);
        assert!(baselines.values().all(|b| b.parts.is_empty()));
        assert!(issues
            .iter()
            .any(|i| matches!(i, BaselineIssue::Cycle { .. })));
        let (_, issues) = effective_baselines(&[], &[succession(5, 6, None)]);
        assert!(issues.contains(&BaselineIssue::PredecessorWithoutBaseline {
            predecessor: OrgId(5),
            successor: OrgId(6)
        }));
    }

    #[test]
    fn a_successor_missing_part_of_its_inheritance_is_incomplete_two_generations_on() {
        // 1 and 2 merge into 9, but 2 has no baseline; 9 later becomes 10 on its own.
        let (baselines, _) = effective_baselines(
            &[recorded(1, 1, 500)],
            &[
                succession(1, 9, None),
                succession(2, 9, None),
                succession(9, 10, None),
            ],
        );
        assert_eq!(baselines[&OrgId(9)].total(), Money::from_pence(500));
        assert!(baselines[&OrgId(9)].incomplete);
        assert!(baselines[&OrgId(10)].incomplete);
        assert!(!baselines[&OrgId(1)].incomplete);
    }

    proptest! {
        /// Merging and splitting (with shares that add to 100%) preserve the total baseline:
        /// what the successors hold equals what their predecessors held, to the penny.
        #[test]
        fn a_merge_or_split_preserves_totals(
            amounts in proptest::collection::vec(0i64..10_000_000_000, 1..12),
            split_at in 1u32..1_000_000,
            chained in any::<bool>(),
        ) {
            // Predecessors 1..=n merge into 100, except body 1, which splits between 100 and 101.
            let recorded: Vec<_> = amounts.iter().enumerate()
                .map(|(i, pence)| recorded(i as i64 + 1, 1, *pence)).collect();
            let mut successions: Vec<_> = (2..=amounts.len() as i64)
                .map(|i| succession(i, 100, None)).collect();
            successions.push(succession(1, 100, Some(split_at)));
            successions.push(succession(1, 101, Some(1_000_000 - split_at)));
            if chained {
                // 100 later merges into 200 on its own: a second generation.
                successions.push(succession(100, 200, None));
            }
            let (baselines, issues) = effective_baselines(&recorded, &successions);
            prop_assert!(issues.is_empty());
            let before: i64 = amounts.iter().sum();
            let last = if chained { 200 } else { 100 };
            let after = baselines[&OrgId(last)].total().pence() + baselines[&OrgId(101)].total().pence();
            prop_assert_eq!(after, before);
        }
    }
}
