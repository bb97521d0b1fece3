use super::super::baseline::{effective_baselines, RecordedBaseline};
use super::*;
use crate::{FinancialYear, OrgId};
use chrono::NaiveDate;

fn fy(y: i32) -> FinancialYear {
    FinancialYear::starting(y).unwrap()
}

fn baseline() -> EffectiveBaseline {
    let recorded = RecordedBaseline {
        org: OrgId(1),
        year: fy(2008),
        version: 1,
        amounts: [
            (SpendCategory::Hardware, Money::from_pence(100_000)),
            (SpendCategory::Software, Money::from_pence(50_000)),
            (SpendCategory::Other, Money::ZERO),
        ]
        .into(),
    };
    effective_baselines(&[recorded], &[])
        .0
        .remove(&OrgId(1))
        .unwrap()
}

fn actual(year: i32, categories: &[SpendCategory]) -> Actual {
    Actual {
        org: OrgId(1),
        year: fy(year),
        return_id: 1,
        version: 1,
        provisional: false,
        amounts: categories.iter().map(|c| (*c, Money::ZERO)).collect(),
    }
}

#[test]
fn a_category_left_out_is_not_a_zero() {
    let both = [SpendCategory::Hardware, SpendCategory::Software];
    let always = Lifetime::default();
    assert_eq!(
        status(&always, Some(&baseline()), &actual(2013, &both)),
        Ok(())
    );
    assert_eq!(
        status(&always, Some(&baseline()), &actual(2013, &both[..1])),
        Err(NotCounted::IncompleteReturn {
            missing: vec![SpendCategory::Software]
        })
    );
}

#[test]
fn a_year_outside_the_body_s_life_never_counts() {
    let ended = Lifetime {
        start: None,
        end: NaiveDate::from_ymd_opt(2013, 3, 31),
    };
    let both = [SpendCategory::Hardware, SpendCategory::Software];
    assert_eq!(
        status(&ended, Some(&baseline()), &actual(2012, &both)),
        Ok(())
    );
    assert_eq!(
        status(&ended, Some(&baseline()), &actual(2014, &both)),
        Err(NotCounted::OutsideLife)
    );
}

#[test]
fn an_incomplete_inheritance_is_not_counted() {
    let mut inherited = baseline();
    inherited.incomplete = true;
    let both = [SpendCategory::Hardware, SpendCategory::Software];
    assert_eq!(
        status(&Lifetime::default(), Some(&inherited), &actual(2013, &both)),
        Err(NotCounted::IncompleteBaseline)
    );
    assert_eq!(
        status(&Lifetime::default(), None, &actual(2013, &both)),
        Err(NotCounted::NoBaseline)
    );
}

mod laws {
    //! The counting laws over random programmes (issue 14): bodies with lifetimes (some
    //! dissolved or created on 1 April, some mid-year), mergers and splits (some without
    //! shares), baselines (some missing), returns (some leaving out categories, some for
    //! years outside the body's life) — and the totals every page reads.
    use super::super::super::baseline::{effective_baselines, RecordedBaseline, Share, Succession};
    use super::super::super::deflator::{Basis, Deflators};
    use super::super::super::spend::{by_year, evaluate, Actual, Fact, FactRole, FactSum};
    use super::super::*;
    use crate::{FinancialYear, Money, OrgId, Sector, SpendCategory};
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use std::collections::BTreeMap;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }

    fn deflators() -> Deflators {
        super::super::super::deflator::sample()
    }

    /// One generated programme: `groups` predecessor-successor families.
    #[derive(Clone, Debug)]
    struct Family {
        /// Predecessors' baselines by category index (None: no baseline recorded).
        predecessors: Vec<Option<[i64; 3]>>,
        /// The succession's year and whether it falls mid-year (1 October) or on 1 April.
        year: i32,
        mid_year: bool,
        /// Two successors sharing the first predecessor (a split), with or without shares.
        split: Option<Option<u32>>,
        sector: usize,
        /// Returns: (body index in the family, year, categories left out bitmask, pence).
        returns: Vec<(usize, i32, u8, [i64; 3])>,
    }

    fn family() -> impl Strategy<Value = Family> {
        (
            proptest::collection::vec(
                proptest::option::weighted(0.85, proptest::array::uniform3(0i64..5_000_000_000)),
                1..4,
            ),
            2012i32..2017,
            any::<bool>(),
            proptest::option::weighted(0.4, proptest::option::weighted(0.6, 1u32..1_000_000)),
            0usize..3,
            proptest::collection::vec(
                (
                    0usize..6,
                    2011i32..2019,
                    proptest::prop_oneof![4 => Just(0u8), 1 => 1u8..8],
                    proptest::array::uniform3(0i64..5_000_000_000),
                ),
                0..14,
            ),
        )
            .prop_map(
                |(predecessors, year, mid_year, split, sector, returns)| Family {
                    predecessors,
                    year,
                    mid_year,
                    split,
                    sector,
                    returns,
                },
            )
    }

    const CATEGORIES: [SpendCategory; 3] = [
        SpendCategory::Hardware,
        SpendCategory::StaffCost,
        SpendCategory::Energy,
    ];
    const SECTORS: [Sector; 3] = [Sector::LocalGovernment, Sector::Nhs, Sector::PoliceAndFire];

    struct Body {
        org: OrgId,
        sector: Sector,
        life: Lifetime,
    }

    /// Bodies, recorded baselines, successions and returns of the families.
    #[expect(
        clippy::too_many_lines,
        reason = "a test fixture: the families' bodies, baselines, successions and returns in one place"
    )]
    fn programme(
        families: &[Family],
    ) -> (
        Vec<Body>,
        Vec<RecordedBaseline>,
        Vec<Succession>,
        Vec<Actual>,
    ) {
        let (mut bodies, mut recorded, mut successions, mut actuals) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut next = 1i64;
        for f in families {
            let sector = SECTORS[f.sector];
            let first_day = if f.mid_year {
                NaiveDate::from_ymd_opt(f.year, 10, 1)
            } else {
                NaiveDate::from_ymd_opt(f.year, 4, 1)
            }
            .unwrap();
            let last_day = first_day.pred_opt().unwrap();
            let mut members = Vec::new();
            for baseline in &f.predecessors {
                let org = OrgId(next);
                next += 1;
                bodies.push(Body {
                    org,
                    sector,
                    life: Lifetime {
                        start: None,
                        end: Some(last_day),
                    },
                });
                members.push(org);
                if let Some(pence) = baseline {
                    recorded.push(RecordedBaseline {
                        org,
                        year: fy(2008),
                        version: 1,
                        amounts: CATEGORIES
                            .iter()
                            .zip(pence)
                            .map(|(c, p)| (*c, Money::from_pence(*p)))
                            .collect(),
                    });
                }
            }
            let successor = OrgId(next);
            next += 1;
            bodies.push(Body {
                org: successor,
                sector,
                life: Lifetime {
                    start: Some(first_day),
                    end: None,
                },
            });
            members.push(successor);
            for p in &members[..members.len() - 1] {
                successions.push(Succession {
                    predecessor: *p,
                    successor,
                    effective: first_day,
                    share: None,
                });
            }
            if let Some(share) = f.split {
                // The first predecessor splits between the successor and a second one.
                let second = OrgId(next);
                next += 1;
                bodies.push(Body {
                    org: second,
                    sector,
                    life: Lifetime {
                        start: Some(first_day),
                        end: None,
                    },
                });
                members.push(second);
                let first = members[0];
                successions.retain(|s| s.predecessor != first);
                let shares = share.map(|ppm| {
                    (
                        Share::from_ppm(ppm).unwrap(),
                        Share::from_ppm(1_000_000 - ppm).unwrap(),
                    )
                });
                successions.push(Succession {
                    predecessor: first,
                    successor,
                    effective: first_day,
                    share: shares.map(|s| s.0),
                });
                successions.push(Succession {
                    predecessor: first,
                    successor: second,
                    effective: first_day,
                    share: shares.map(|s| s.1),
                });
            }
            for (who, year, left_out, pence) in &f.returns {
                let org = members[who % members.len()];
                actuals.push(Actual {
                    org,
                    year: fy(*year),
                    return_id: 0,
                    version: 1,
                    provisional: false,
                    amounts: CATEGORIES
                        .iter()
                        .zip(pence)
                        .enumerate()
                        .filter(|(i, _)| left_out & (1 << i) == 0)
                        .map(|(_, (c, p))| (*c, Money::from_pence(*p)))
                        .collect(),
                });
            }
        }
        // One return per body and year (the counted one).
        actuals.sort_by_key(|a| (a.org, a.year));
        actuals.dedup_by_key(|a| (a.org, a.year));
        (bodies, recorded, successions, actuals)
    }

    fn sums(facts: &[&Fact]) -> Vec<FactSum> {
        let mut grouped: BTreeMap<(FinancialYear, SpendCategory, FactRole, FinancialYear), i64> =
            BTreeMap::new();
        for f in facts {
            *grouped
                .entry((f.year, f.category, f.role, f.prices))
                .or_default() += f.amount.pence();
        }
        grouped
            .into_iter()
            .map(|((year, category, role, prices), pence)| FactSum {
                year,
                category,
                role,
                prices,
                pence,
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Bodies add up to sectors and sectors to the nation to the penny, nominal and real;
        /// no pound of a baseline is counted twice in a year; no incomplete or out-of-life
        /// body-year adds anything.
        #[test]
        fn every_pound_is_counted_once_and_the_totals_add_up(
            families in proptest::collection::vec(family(), 1..5),
            base in 2008i32..=2024,
        ) {
            let (bodies, recorded, successions, actuals) = programme(&families);
            let (baselines, _) = effective_baselines(&recorded, &successions);
            let mut counted: Vec<(Sector, Fact)> = Vec::new();
            for a in &actuals {
                let body = bodies.iter().find(|b| b.org == a.org).unwrap();
                let baseline = baselines.get(&a.org);
                if let Ok(facts) = count(&body.life, baseline, a) {
                    prop_assert!(body.life.answers_for(a.year));
                    let b = baseline.unwrap();
                    prop_assert!(!b.incomplete);
                    prop_assert!(CATEGORIES.iter().all(|c| b.amount(*c) == Money::ZERO || a.amounts.contains_key(c)));
                    counted.extend(facts.into_iter().map(|f| (body.sector, f)));
                }
            }
            // Once only: in each year, what the counted body-years hold of any recorded
            // baseline is at most that baseline (a merger passes it whole, a split divides it).
            let mut held: BTreeMap<(FinancialYear, OrgId, SpendCategory), i64> = BTreeMap::new();
            for a in &actuals {
                let body = bodies.iter().find(|b| b.org == a.org).unwrap();
                if count(&body.life, baselines.get(&a.org), a).is_err() {
                    continue;
                }
                for part in &baselines[&a.org].parts {
                    *held.entry((a.year, part.source, part.category)).or_default() += part.amount.pence();
                }
            }
            for ((year, source, category), pence) in held {
                let own = recorded.iter().find(|r| r.org == source).unwrap();
                prop_assert!(pence <= own.amounts[&category].pence(), "{year}: {source:?} {category:?} counted {pence}, recorded {}", own.amounts[&category].pence());
            }
            let deflators = deflators();
            for basis in [Basis::Nominal, Basis::Real { base: fy(base) }] {
                let all: Vec<&Fact> = counted.iter().map(|(_, f)| f).collect();
                let national = by_year(&evaluate(&sums(&all), basis, &deflators).unwrap());
                let mut by_sector: BTreeMap<FinancialYear, Decimal> = BTreeMap::new();
                for sector in SECTORS {
                    let of: Vec<&Fact> = counted.iter().filter(|(s, _)| *s == sector).map(|(_, f)| f).collect();
                    for (year, figures) in by_year(&evaluate(&sums(&of), basis, &deflators).unwrap()) {
                        *by_sector.entry(year).or_default() += figures.saving();
                    }
                }
                let mut by_body: BTreeMap<FinancialYear, Decimal> = BTreeMap::new();
                for body in &bodies {
                    let of: Vec<&Fact> = counted.iter().filter(|(_, f)| f.org == body.org).map(|(_, f)| f).collect();
                    for (year, figures) in by_year(&evaluate(&sums(&of), basis, &deflators).unwrap()) {
                        *by_body.entry(year).or_default() += figures.saving();
                    }
                }
                for (year, figures) in &national {
                    prop_assert_eq!(by_sector.get(year).copied().unwrap_or_default(), figures.saving());
                    prop_assert_eq!(by_body.get(year).copied().unwrap_or_default(), figures.saving());
                }
            }
        }

        /// A rating compares one basis: converting saving and target to another year's
        /// prices by the same factor never changes the colour.
        #[test]
        fn a_rating_does_not_change_when_both_sides_are_deflated_alike(
            saving in -10_000_000_000i64..10_000_000_000,
            target in 0i64..10_000_000_000,
            factor_millionths in 1i64..5_000_000,
        ) {
            use super::super::super::target::rate;
            let factor = Decimal::new(factor_millionths, 6);
            let (s, t) = (Decimal::new(saving, 2), Decimal::new(target, 2));
            prop_assert_eq!(rate(Some(s), Some(t)), rate(Some(s * factor), Some(t * factor)));
        }
    }
}

#[test]
fn a_stored_reason_parses_back() {
    let reason = NotCounted::IncompleteReturn {
        missing: vec![SpendCategory::Hardware, SpendCategory::Energy],
    };
    assert_eq!(
        NotCounted::parse(reason.code(), reason.missing_codes().as_deref()),
        Some(reason)
    );
}
