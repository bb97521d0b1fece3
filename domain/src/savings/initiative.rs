//! Initiative-based savings: what a shared-service adoption, a data-centre closure or another
//! initiative saves, its one-off cost, net figure and payback year.
//!
//! Policy (issue 6; `shared/DOMAIN.md` §6):
//! - Every saving is classified as Scottish efficiency reporting does: cash-releasing,
//!   non-cash (time-releasing) or cost avoidance; and its evidence graded sufficient, partial
//!   or insufficient. Service cuts and extra income are not savings (the quality note says why
//!   a saving is not a cut).
//! - The recurring saving counts in full from its first year to its last (open-ended if none);
//!   the one-off cost falls in the first year. Gross and net are both kept. The payback year is
//!   the first year in which the cumulative recurring saving reaches the one-off cost.
//! - Initiative-based and spend-based savings are reported side by side and never added (a
//!   closure's saving also shows up in spend).
//! - A saving on one shared service claimed by both its provider and a consumer is a double
//!   count: both claims are flagged (when the provider names its consumer, only that pair).

use crate::{FinancialYear, Money, OrgId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

coded_enum!(
    /// The efficiency-reporting class of a saving.
    SavingClass, "saving class", "cash-releasing, non-cash or cost-avoidance" {
        CashReleasing => "cash-releasing", "Cash-releasing";
        NonCash => "non-cash", "Non-cash (time-releasing)";
        CostAvoidance => "cost-avoidance", "Cost avoidance";
    }
);

coded_enum!(
    /// How well a saving is evidenced (UK audit practice).
    Evidence, "evidence", "sufficient, partial or insufficient" {
        Sufficient => "sufficient", "Sufficient";
        Partial => "partial", "Partial";
        Insufficient => "insufficient", "Insufficient";
    }
);

coded_enum!(
    /// Which side of a shared service the claiming body is on.
    Party, "party", "own, provider or consumer" {
        Own => "own", "The body's own initiative";
        Provider => "provider", "Provider of a shared service";
        Consumer => "consumer", "Consumer of a shared service";
    }
);

coded_enum!(
    /// What produced the saving.
    InitiativeKind, "kind", "shared-service, data-centre or other" {
        SharedService => "shared-service", "Shared-service adoption";
        DataCentre => "data-centre", "Data-centre closure";
        Other => "other", "Other initiative";
    }
);

/// One initiative's claimed saving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Initiative {
    pub id: i64,
    pub org: OrgId,
    pub kind: InitiativeKind,
    pub title: String,
    pub class: SavingClass,
    pub evidence: Evidence,
    pub recurring: Money,
    pub one_off: Money,
    pub first_year: FinancialYear,
    pub last_year: Option<FinancialYear>,
    /// The shared service, for adoptions (its catalogue code).
    pub service: Option<String>,
    pub party: Party,
    /// For a provider: the consumer whose saving this is, when known.
    pub counterparty: Option<OrgId>,
}

impl Initiative {
    pub fn active_in(&self, year: FinancialYear) -> bool {
        year >= self.first_year && self.last_year.is_none_or(|last| year <= last)
    }

    /// The recurring saving that counts in `year` (gross).
    pub fn gross_in(&self, year: FinancialYear) -> Money {
        if self.active_in(year) {
            self.recurring
        } else {
            Money::ZERO
        }
    }

    /// The one-off cost that falls in `year`.
    pub fn one_off_in(&self, year: FinancialYear) -> Money {
        if year == self.first_year {
            self.one_off
        } else {
            Money::ZERO
        }
    }

    /// Gross minus one-off cost in `year`.
    pub fn net_in(&self, year: FinancialYear) -> Money {
        self.gross_in(year)
            .checked_sub(self.one_off_in(year))
            .unwrap_or(Money::ZERO)
    }

    /// Cumulative net saving from the first year up to and including `year`.
    pub fn cumulative_net_to(&self, year: FinancialYear) -> Money {
        let mut total = Money::ZERO;
        let mut current = Some(self.first_year);
        while let Some(y) = current.filter(|y| *y <= year) {
            total = total.checked_add(self.net_in(y)).unwrap_or(total);
            current = y.next();
        }
        total
    }

    /// The first year whose cumulative recurring saving covers the one-off cost; `None` if it
    /// never does (no recurring saving, or the initiative ends first).
    pub fn payback_year(&self) -> Option<FinancialYear> {
        if self.one_off.pence() <= 0 {
            return Some(self.first_year);
        }
        if self.recurring.pence() <= 0 {
            return None;
        }
        // Whole years needed: ceil(one-off / recurring), in integers.
        let recurring = i128::from(self.recurring.pence());
        let years = (i128::from(self.one_off.pence()) + recurring - 1) / recurring;
        let offset = i32::try_from(years - 1).ok()?;
        let year =
            FinancialYear::starting(self.first_year.start_year().checked_add(offset)?).ok()?;
        self.active_in(year).then_some(year)
    }
}

/// Initiative savings in a year by class: gross, one-off and net.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassTotals {
    pub gross: Money,
    pub one_off: Money,
    pub net: Money,
}

pub fn totals_by_class(
    initiatives: &[Initiative],
    year: FinancialYear,
) -> BTreeMap<SavingClass, ClassTotals> {
    let mut out: BTreeMap<SavingClass, ClassTotals> = BTreeMap::new();
    for initiative in initiatives {
        let entry = out.entry(initiative.class).or_default();
        entry.gross = entry
            .gross
            .checked_add(initiative.gross_in(year))
            .unwrap_or(entry.gross);
        entry.one_off = entry
            .one_off
            .checked_add(initiative.one_off_in(year))
            .unwrap_or(entry.one_off);
        entry.net = entry
            .net
            .checked_add(initiative.net_in(year))
            .unwrap_or(entry.net);
    }
    out
}

/// Pairs of claims (provider, consumer) that count the same shared-service saving twice:
/// the same service, overlapping years, and the provider naming that consumer or no one.
pub fn double_counts(initiatives: &[Initiative]) -> Vec<(i64, i64)> {
    let overlaps = |a: &Initiative, b: &Initiative| {
        let a_end = a
            .last_year
            .unwrap_or(FinancialYear::starting(FinancialYear::LAST_START).unwrap_or(a.first_year));
        let b_end = b
            .last_year
            .unwrap_or(FinancialYear::starting(FinancialYear::LAST_START).unwrap_or(b.first_year));
        a.first_year <= b_end && b.first_year <= a_end
    };
    let mut pairs = Vec::new();
    for provider in initiatives.iter().filter(|i| i.party == Party::Provider) {
        for consumer in initiatives.iter().filter(|i| i.party == Party::Consumer) {
            let same_service = provider.service.is_some() && provider.service == consumer.service;
            let names_it = provider.counterparty.is_none_or(|c| c == consumer.org);
            if same_service
                && names_it
                && provider.org != consumer.org
                && overlaps(provider, consumer)
            {
                pairs.push((provider.id, consumer.id));
            }
        }
    }
    pairs
}

/// A claim left out of every total because another claim counts the same saving.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedClaim {
    /// The provider's claim that is left out.
    pub excluded: i64,
    /// The consumers' claims that count the saving instead.
    pub counted_instead: Vec<i64>,
}

/// Splits the claims so that each saving is counted once (ADR 0010, rule 7): where a provider
/// and a consumer of one shared service claim the same saving (`double_counts`), the
/// consumer's claim counts — the saving is released from the consumer's budget, which is what
/// the review's savings were to come out of — and the provider's claim is left out of every
/// total, shown with the claims that count instead.
pub fn once_only(initiatives: &[Initiative]) -> (Vec<Initiative>, Vec<ExcludedClaim>) {
    let mut excluded: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (provider, consumer) in double_counts(initiatives) {
        excluded.entry(provider).or_default().push(consumer);
    }
    let counted = initiatives
        .iter()
        .filter(|i| !excluded.contains_key(&i.id))
        .cloned()
        .collect();
    let excluded = excluded
        .into_iter()
        .map(|(excluded, counted_instead)| ExcludedClaim {
            excluded,
            counted_instead,
        })
        .collect();
    (counted, excluded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }

    fn pounds(p: i64) -> Money {
        Money::from_pounds(p).unwrap()
    }

    fn initiative(id: i64, org: i64, party: Party, counterparty: Option<i64>) -> Initiative {
        Initiative {
            id,
            org: OrgId(org),
            kind: InitiativeKind::SharedService,
            title: "SWAN".into(),
            class: SavingClass::CashReleasing,
            evidence: Evidence::Partial,
            recurring: pounds(40_000),
            one_off: pounds(100_000),
            first_year: fy(2014),
            last_year: None,
            service: Some("swan".into()),
            party,
            counterparty: counterparty.map(OrgId),
        }
    }

    #[test]
    fn a_flagged_double_claim_is_counted_once_in_every_total() {
        let provider = initiative(1, 1, Party::Provider, None);
        let consumer = initiative(2, 2, Party::Consumer, None);
        let other = initiative(3, 3, Party::Consumer, None);
        let all = [provider, consumer, other];
        let (counted, excluded) = once_only(&all);
        assert_eq!(counted.iter().map(|i| i.id).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(
            excluded,
            vec![ExcludedClaim {
                excluded: 1,
                counted_instead: vec![2, 3]
            }]
        );
        let totals = totals_by_class(&counted, fy(2015));
        assert_eq!(totals[&SavingClass::CashReleasing].gross, pounds(80_000));
    }

    #[test]
    fn net_and_payback() {
        // £40k a year from 2014-15 against a £100k one-off: −£60k, then +£40k a year;
        // cumulative £20k by 2016-17, so it pays back in 2016-17 (ceil(100/40) = 3 years).
        let i = initiative(1, 1, Party::Own, None);
        assert_eq!(i.net_in(fy(2014)), pounds(-60_000));
        assert_eq!(i.net_in(fy(2015)), pounds(40_000));
        assert_eq!(i.cumulative_net_to(fy(2016)), pounds(20_000));
        assert_eq!(i.cumulative_net_to(fy(2013)), Money::ZERO);
        assert_eq!(i.payback_year(), Some(fy(2016)));
        let short = Initiative {
            last_year: Some(fy(2015)),
            ..i.clone()
        };
        assert_eq!(short.payback_year(), None);
        let free = Initiative {
            one_off: Money::ZERO,
            ..i.clone()
        };
        assert_eq!(free.payback_year(), Some(fy(2014)));
        let nothing = Initiative {
            recurring: Money::ZERO,
            ..i
        };
        assert_eq!(nothing.payback_year(), None);
    }

    #[test]
    fn classes_are_totalled_apart() {
        let a = initiative(1, 1, Party::Own, None);
        let b = Initiative {
            class: SavingClass::CostAvoidance,
            ..initiative(2, 2, Party::Own, None)
        };
        let totals = totals_by_class(&[a, b], fy(2015));
        assert_eq!(totals[&SavingClass::CashReleasing].gross, pounds(40_000));
        assert_eq!(totals[&SavingClass::CostAvoidance].gross, pounds(40_000));
        assert_eq!(totals.len(), 2);
    }

    #[test]
    fn a_provider_and_consumer_claiming_one_service_are_flagged() {
        let provider = initiative(1, 10, Party::Provider, Some(20));
        let consumer = initiative(2, 20, Party::Consumer, None);
        let other_consumer = initiative(3, 30, Party::Consumer, None);
        assert_eq!(
            double_counts(&[provider.clone(), consumer.clone(), other_consumer.clone()]),
            vec![(1, 2)]
        );
        let anyone = Initiative {
            counterparty: None,
            ..provider.clone()
        };
        assert_eq!(
            double_counts(&[anyone, consumer.clone(), other_consumer]),
            vec![(1, 2), (1, 3)]
        );
        let later = Initiative {
            first_year: fy(2020),
            ..consumer.clone()
        };
        let ended = Initiative {
            last_year: Some(fy(2018)),
            ..provider.clone()
        };
        assert!(double_counts(&[ended, later]).is_empty());
        let elsewhere = Initiative {
            service: Some("myaccount".into()),
            ..consumer
        };
        assert!(double_counts(&[provider, elsewhere]).is_empty());
    }

    #[test]
    fn codes_parse_back() {
        for class in SavingClass::ALL {
            assert_eq!(SavingClass::parse(class.code()), Ok(*class));
        }
        assert!(Evidence::parse("strong")
            .unwrap_err()
            .to_string()
            .contains("sufficient"));
    }
}
