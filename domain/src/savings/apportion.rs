//! Dividing an amount of money between parties by weight, to the penny.
//!
//! Policy: largest remainder (Hamilton). Each party first gets the whole pence of its exact
//! quota (`amount × weight ÷ total weight`, computed in integers, so exactly); the pence left
//! over go one each to the largest remainders, ties to the earlier party. The parts always add
//! up to the amount exactly. A negative amount is divided as its magnitude and negated.

use crate::Money;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApportionError {
    #[error("there is nothing to divide by: every weight is zero")]
    NoWeight,
}

/// Divides `amount` by the non-negative `weights`; the result has one part per weight, in order.
pub fn apportion(amount: Money, weights: &[u64]) -> Result<Vec<Money>, ApportionError> {
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if total == 0 {
        return Err(ApportionError::NoWeight);
    }
    let pence = amount.pence();
    let magnitude = u128::from(pence.unsigned_abs());
    let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (index, weight) in weights.iter().enumerate() {
        // magnitude < 2^64 and weight < 2^64: the product fits in u128.
        let quota = magnitude * u128::from(*weight);
        parts.push(quota / total);
        remainders.push((quota % total, index));
    }
    let given: u128 = parts.iter().sum();
    let left_over = magnitude - given; // fewer than weights.len() pence
                                       // Largest remainder first; among equal remainders the earlier party.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, index) in remainders.into_iter().take(left_over as usize) {
        parts[index] += 1;
    }
    Ok(parts
        .into_iter()
        .map(|part| {
            // Each part is at most the magnitude, which came from an i64.
            let part = i64::try_from(part).unwrap_or(i64::MAX);
            Money::from_pence(if pence < 0 { -part } else { part })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_pence_left_over_go_to_the_largest_remainders() {
        // £1.00 in thirds: 33⅓p each; the one penny left goes to the first.
        let parts = apportion(Money::from_pence(100), &[1, 1, 1]).unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_pence(34),
                Money::from_pence(33),
                Money::from_pence(33)
            ]
        );
        // 10p by 1:2:7 is exact.
        let parts = apportion(Money::from_pence(10), &[1, 2, 7]).unwrap();
        assert_eq!(
            parts,
            vec![
                Money::from_pence(1),
                Money::from_pence(2),
                Money::from_pence(7)
            ]
        );
        // 5p by 0.15:0.85 → 0.75p and 4.25p → 1p and 4p.
        let parts = apportion(Money::from_pence(5), &[15, 85]).unwrap();
        assert_eq!(parts, vec![Money::from_pence(1), Money::from_pence(4)]);
        let parts = apportion(Money::from_pence(-100), &[1, 1, 1]).unwrap();
        assert_eq!(parts[0], Money::from_pence(-34));
    }

    #[test]
    fn zero_weights_cannot_share() {
        assert_eq!(
            apportion(Money::from_pence(1), &[0, 0]),
            Err(ApportionError::NoWeight)
        );
        assert_eq!(
            apportion(Money::from_pence(1), &[]),
            Err(ApportionError::NoWeight)
        );
    }

    proptest! {
        #[test]
        fn the_parts_sum_to_the_amount_to_the_penny(
            pence in any::<i64>(),
            weights in proptest::collection::vec(any::<u64>(), 1..40),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let parts = apportion(Money::from_pence(pence), &weights).unwrap();
            prop_assert_eq!(parts.len(), weights.len());
            let sum: i128 = parts.iter().map(|m| i128::from(m.pence())).sum();
            prop_assert_eq!(sum, i128::from(pence));
            for (part, weight) in parts.iter().zip(&weights) {
                if *weight == 0 { prop_assert_eq!(part.pence(), 0); }
            }
        }

        /// No party is more than a penny from its exact quota.
        #[test]
        fn every_part_is_within_a_penny_of_its_quota(
            pence in -1_000_000_000_000i64..1_000_000_000_000,
            weights in proptest::collection::vec(0u64..1_000_000_000_000, 1..20),
        ) {
            let total: i128 = weights.iter().map(|w| i128::from(*w)).sum();
            prop_assume!(total > 0);
            let parts = apportion(Money::from_pence(pence), &weights).unwrap();
            for (part, weight) in parts.iter().zip(&weights) {
                let exact_times_total = i128::from(pence) * i128::from(*weight);
                let diff = (i128::from(part.pence()) * total - exact_times_total).abs();
                prop_assert!(diff < total, "part {} weight {}", part, weight);
            }
        }
    }
}
