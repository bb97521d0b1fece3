//! Shared-service adoption: where a body is in taking up a shared service, and what it saves.
//!
//! Policy (issue 7; `shared/DOMAIN.md` §9): adoption moves one step at a time along
//! considering → contracted → migrating → live → exited; before it is live it can instead be
//! abandoned (issue 15). Exited and abandoned are final: a body that takes the service up again
//! records a new adoption, and the ended one is kept as history. Any other move is refused with
//! the moves that are allowed. The saving is the annual cost before minus the annual cost after
//! (recurring), with the one-off cost of moving; it goes to the savings engine as an initiative.

use crate::Money;

coded_enum!(
    /// Where a body is in adopting a shared service.
    AdoptionStage, "adoption stage", "considering, contracted, migrating, live, exited or abandoned" {
        Considering => "considering", "Considering";
        Contracted => "contracted", "Contracted";
        Migrating => "migrating", "Migrating";
        Live => "live", "Live";
        Exited => "exited", "Exited";
        Abandoned => "abandoned", "Abandoned";
    }
);

/// A move that is not allowed, with the ones that are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an adoption cannot move from {from} to {to}; from {from} it can move to {allowed}")]
pub struct StageError {
    pub from: AdoptionStage,
    pub to: AdoptionStage,
    pub allowed: String,
}

impl AdoptionStage {
    /// The stages this one may move to.
    pub fn next(self) -> &'static [AdoptionStage] {
        match self {
            AdoptionStage::Considering => &[AdoptionStage::Contracted, AdoptionStage::Abandoned],
            AdoptionStage::Contracted => &[AdoptionStage::Migrating, AdoptionStage::Abandoned],
            AdoptionStage::Migrating => &[AdoptionStage::Live, AdoptionStage::Abandoned],
            AdoptionStage::Live => &[AdoptionStage::Exited],
            AdoptionStage::Exited | AdoptionStage::Abandoned => &[],
        }
    }

    /// Whether the adoption is over (exited or abandoned): the body may adopt the service again.
    pub fn ended(self) -> bool {
        matches!(self, AdoptionStage::Exited | AdoptionStage::Abandoned)
    }

    pub fn move_to(self, to: AdoptionStage) -> Result<AdoptionStage, StageError> {
        if self.next().contains(&to) {
            Ok(to)
        } else {
            let allowed = self
                .next()
                .iter()
                .map(|s| s.name().to_lowercase())
                .collect::<Vec<_>>();
            Err(StageError {
                from: self,
                to,
                allowed: if allowed.is_empty() {
                    "nothing (it is final)".into()
                } else {
                    allowed.join(" or ")
                },
            })
        }
    }

    /// Whether the service is in use, so its saving counts.
    pub fn saves(self) -> bool {
        self == AdoptionStage::Live
    }
}

/// The recurring saving of an adoption: the annual cost before minus after.
pub fn recurring_saving(before: Money, after: Money) -> Money {
    before.checked_sub(after).unwrap_or(Money::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adoption_moves_one_step_at_a_time() {
        use AdoptionStage::*;
        let path = [Considering, Contracted, Migrating, Live, Exited];
        for pair in path.windows(2) {
            assert_eq!(pair[0].move_to(pair[1]), Ok(pair[1]));
        }
        for from in AdoptionStage::ALL {
            for to in AdoptionStage::ALL {
                let adjacent = path.windows(2).any(|p| p[0] == *from && p[1] == *to);
                // Issue 15: abandoned from any stage before live, and from nowhere else.
                let abandons =
                    *to == Abandoned && matches!(from, Considering | Contracted | Migrating);
                assert_eq!(
                    from.move_to(*to).is_ok(),
                    adjacent || abandons,
                    "{from} -> {to}"
                );
            }
        }
        assert!(Exited.ended() && Abandoned.ended() && !Live.ended());
        let refused = Considering.move_to(Live).unwrap_err();
        assert_eq!(refused.to_string(), "an adoption cannot move from Considering to Live; from Considering it can move to contracted or abandoned");
        assert!(Exited
            .move_to(Live)
            .unwrap_err()
            .to_string()
            .contains("final"));
    }

    #[test]
    fn the_saving_is_before_minus_after() {
        assert_eq!(
            recurring_saving(Money::from_pence(5_000_000), Money::from_pence(3_000_000)),
            Money::from_pence(2_000_000)
        );
    }
}
