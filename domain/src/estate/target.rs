//! The consolidation target: how many sites the programme aims to have in a year.
//!
//! Policy (issue 7): a target line is a set of points (financial year, most sites) for one scope
//! (all bodies or a sector; all site types or one). Between two points the target lies on the
//! straight line between them, rounded to the nearest whole site (halves away from zero); after
//! the last point it stays at the last point; before the first there is none.

use rust_decimal::{Decimal, RoundingStrategy};

/// The target for the year starting in `year`, from `points` (year start, most sites) in any
/// order.
pub fn target_at(points: &[(i32, i64)], year: i32) -> Option<i64> {
    let mut sorted = points.to_vec();
    sorted.sort_unstable();
    let first = sorted.first()?;
    if year < first.0 {
        return None;
    }
    let after = sorted.iter().position(|(y, _)| *y > year);
    match after {
        None => sorted.last().map(|(_, n)| *n),
        Some(i) => {
            let (y0, a) = sorted[i - 1];
            let (y1, b) = sorted[i];
            let step = Decimal::from(b - a) * Decimal::from(year - y0) / Decimal::from(y1 - y0);
            let step = step.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
            rust_decimal::prelude::ToPrimitive::to_i64(&step).map(|s| a + s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_review_line_falls_from_120_to_10_over_seven_years() {
        let points = [(2015, 10), (2008, 120)];
        assert_eq!(target_at(&points, 2007), None);
        assert_eq!(target_at(&points, 2008), Some(120));
        // 120 - 110 × 1/7 = 104.29 → 104; 120 - 110 × 4/7 = 57.14 → 57.
        assert_eq!(target_at(&points, 2009), Some(104));
        assert_eq!(target_at(&points, 2012), Some(57));
        assert_eq!(target_at(&points, 2015), Some(10));
        assert_eq!(target_at(&points, 2020), Some(10));
        assert_eq!(target_at(&[], 2012), None);
    }

    #[test]
    fn halves_round_away_from_zero() {
        // Halfway between 10 and 5 is 7.5: a fall of 2.5 rounds to 3 (7); a rise of 2.5 to 3 (8).
        assert_eq!(target_at(&[(2010, 10), (2012, 5)], 2011), Some(7));
        assert_eq!(target_at(&[(2010, 5), (2012, 10)], 2011), Some(8));
    }

    proptest! {
        #[test]
        fn the_line_passes_through_its_points_and_stays_between_them(
            y0 in 2000i32..2050, gap in 1i32..20, a in 0i64..500, b in 0i64..500, k in 0i32..20
        ) {
            let points = [(y0, a), (y0 + gap, b)];
            prop_assert_eq!(target_at(&points, y0), Some(a));
            prop_assert_eq!(target_at(&points, y0 + gap), Some(b));
            let t = target_at(&points, y0 + k.min(gap));
            prop_assert!(t.is_some_and(|t| t >= a.min(b) && t <= a.max(b)));
        }
    }
}
