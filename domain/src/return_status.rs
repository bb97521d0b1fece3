//! The lifecycle of a spend return (issue 4): draft → submitted → approved, or returned with a
//! reason → back to draft. An approved return is locked; a restatement starts a new version.
//!
//! Policy: who may move a return is decided here with the state, so that every path (form,
//! server function, REST, import) applies the same rule.

use super::{ParseError, Role};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a return is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReturnStatus {
    /// Being entered by the body's finance officers.
    Draft,
    /// Sent to the programme board for approval; no longer editable.
    Submitted,
    /// Sent back by the board with a reason; the officers fix it and resubmit.
    Returned,
    /// Accepted by the board; locked. Changing it needs a restatement (a new version).
    Approved,
}

/// Something a person asks to do to a return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnAction {
    Edit,
    Submit,
    Approve,
    /// Send back to the officers; needs a reason.
    SendBack,
    /// Start a new version of an approved return, keeping the approved one.
    Restate,
    /// Take a submitted return back before the board has decided (the officers saw a mistake).
    Withdraw,
}

/// Why an action is refused, in words for the person who asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {status} return cannot be {verb}")]
    NotNow {
        status: ReturnStatus,
        verb: &'static str,
    },
    #[error("only {who} can do that")]
    NotYourRole { who: &'static str },
    #[error("give a reason for sending the return back")]
    ReasonRequired,
}

impl ReturnStatus {
    pub const ALL: [ReturnStatus; 4] = [
        ReturnStatus::Draft,
        ReturnStatus::Submitted,
        ReturnStatus::Returned,
        ReturnStatus::Approved,
    ];

    /// The status as the pages show it.
    pub fn label(self) -> &'static str {
        match self {
            ReturnStatus::Draft => "Draft",
            ReturnStatus::Submitted => "Submitted",
            ReturnStatus::Returned => "Sent back",
            ReturnStatus::Approved => "Approved",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReturnStatus::Draft => "draft",
            ReturnStatus::Submitted => "submitted",
            ReturnStatus::Returned => "returned",
            ReturnStatus::Approved => "approved",
        }
    }

    /// Whether officers may change the figures.
    pub fn is_editable(self) -> bool {
        matches!(self, ReturnStatus::Draft | ReturnStatus::Returned)
    }

    /// The status after `action` by someone with `role` (officers act only on their own body's
    /// returns: the caller checks membership). A restatement's new version starts as a draft;
    /// the approved version it came from stays approved.
    pub fn apply(
        self,
        action: ReturnAction,
        role: Role,
        reason: Option<&str>,
    ) -> Result<ReturnStatus, TransitionError> {
        let officers = TransitionError::NotYourRole {
            who: "the body's finance officers",
        };
        let board = TransitionError::NotYourRole {
            who: "the programme board or office",
        };
        let not_now = |verb| TransitionError::NotNow { status: self, verb };
        match action {
            ReturnAction::Edit
            | ReturnAction::Submit
            | ReturnAction::Restate
            | ReturnAction::Withdraw
                if role != Role::Officer =>
            {
                Err(officers)
            }
            ReturnAction::Approve | ReturnAction::SendBack if role == Role::Officer => Err(board),
            ReturnAction::Edit if self.is_editable() => Ok(ReturnStatus::Draft),
            ReturnAction::Edit => Err(not_now("edited")),
            ReturnAction::Submit if self.is_editable() => Ok(ReturnStatus::Submitted),
            ReturnAction::Submit => Err(not_now("submitted")),
            ReturnAction::Approve if self == ReturnStatus::Submitted => Ok(ReturnStatus::Approved),
            ReturnAction::Approve => Err(not_now("approved")),
            ReturnAction::SendBack if self != ReturnStatus::Submitted => Err(not_now("sent back")),
            ReturnAction::SendBack if reason.is_none_or(|r| r.trim().is_empty()) => {
                Err(TransitionError::ReasonRequired)
            }
            ReturnAction::SendBack => Ok(ReturnStatus::Returned),
            ReturnAction::Restate if self == ReturnStatus::Approved => Ok(ReturnStatus::Draft),
            ReturnAction::Restate => Err(not_now("restated")),
            ReturnAction::Withdraw if self == ReturnStatus::Submitted => Ok(ReturnStatus::Draft),
            ReturnAction::Withdraw => Err(not_now("withdrawn")),
        }
    }
}

impl fmt::Display for ReturnStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ReturnStatus {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ReturnStatus::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                ParseError::new("status", text, "draft, submitted, returned or approved")
            })
    }
}

impl TryFrom<String> for ReturnStatus {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ReturnStatus> for String {
    fn from(value: ReturnStatus) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::ReturnAction::*;
    use super::ReturnStatus::*;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_whole_journey_of_a_return() {
        let submitted = Draft.apply(Submit, Role::Officer, None).unwrap();
        let returned = submitted
            .apply(SendBack, Role::Board, Some("Energy looks doubled"))
            .unwrap();
        assert_eq!(returned, Returned);
        let fixed = returned.apply(Edit, Role::Officer, None).unwrap();
        assert_eq!(
            fixed, Draft,
            "editing a returned return takes it back to draft"
        );
        let resubmitted = fixed.apply(Submit, Role::Officer, None).unwrap();
        let approved = resubmitted.apply(Approve, Role::Board, None).unwrap();
        assert_eq!(approved, Approved);
        assert_eq!(
            approved.apply(Edit, Role::Officer, None),
            Err(TransitionError::NotNow {
                status: Approved,
                verb: "edited"
            })
        );
        assert_eq!(
            approved.apply(Restate, Role::Officer, None),
            Ok(Draft),
            "a new version starts as a draft"
        );
    }

    #[test]
    fn sending_back_needs_a_reason() {
        assert_eq!(
            Submitted.apply(SendBack, Role::Board, None),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            Submitted.apply(SendBack, Role::Admin, Some("  ")),
            Err(TransitionError::ReasonRequired)
        );
    }

    #[test]
    fn roles_keep_to_their_side() {
        assert!(matches!(
            Submitted.apply(Approve, Role::Officer, None),
            Err(TransitionError::NotYourRole { .. })
        ));
        assert!(matches!(
            Draft.apply(Edit, Role::Board, None),
            Err(TransitionError::NotYourRole { .. })
        ));
        assert!(Submitted.apply(Approve, Role::Admin, None).is_ok());
    }

    #[test]
    fn officers_withdraw_a_submitted_return_before_the_board_decides() {
        assert_eq!(Submitted.apply(Withdraw, Role::Officer, None), Ok(Draft));
        for status in [Draft, Returned, Approved] {
            assert_eq!(
                status.apply(Withdraw, Role::Officer, None),
                Err(TransitionError::NotNow {
                    status,
                    verb: "withdrawn"
                })
            );
        }
        assert!(matches!(
            Submitted.apply(Withdraw, Role::Board, None),
            Err(TransitionError::NotYourRole { .. })
        ));
    }

    #[test]
    fn statuses_parse_from_their_codes() {
        for s in ReturnStatus::ALL {
            assert_eq!(s.code().parse::<ReturnStatus>(), Ok(s));
        }
        assert!("locked".parse::<ReturnStatus>().is_err());
    }

    fn any_status() -> impl Strategy<Value = ReturnStatus> {
        prop::sample::select(ReturnStatus::ALL.to_vec())
    }

    fn any_action() -> impl Strategy<Value = ReturnAction> {
        prop::sample::select(vec![Edit, Submit, Approve, SendBack, Restate, Withdraw])
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn nothing_but_a_board_approval_reaches_approved(status in any_status(), action in any_action(), role in any_role()) {
            if let Ok(Approved) = status.apply(action, role, Some("reason")) {
                prop_assert_eq!((status, action), (Submitted, Approve));
                prop_assert!(role != Role::Officer);
            }
        }

        #[test]
        fn an_approved_return_never_changes_in_place(action in any_action(), role in any_role()) {
            // Only a restatement leaves Approved, and it makes a new version (the caller keeps
            // the approved one); no action edits the approved figures themselves.
            if let Ok(next) = Approved.apply(action, role, Some("reason")) {
                prop_assert_eq!(action, Restate);
                prop_assert_eq!(next, Draft);
            }
        }
    }
}
