//! What a closure saves: running costs, energy and carbon moved to the destination, and whether
//! the body's spend fell (closure to cash).

use super::*;
use crate::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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
