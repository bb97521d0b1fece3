//! What the audit log records: one `AuditAction` per kind of change, each with the stable code
//! stored in `audit_log.action` (never renamed: old rows keep their meaning) and words for people.
//! Writers name a variant, so a misspelt action cannot reach the log; readers (a return's
//! history, the audit page's filter) parse the code back.

use serde::{Deserialize, Serialize};

macro_rules! audit_actions {
    ($($variant:ident => $code:literal, $label:literal;)+) => {
        /// A kind of recorded change.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum AuditAction { $($variant),+ }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),+];

            /// The code stored in the log.
            pub fn code(self) -> &'static str {
                match self { $(AuditAction::$variant => $code),+ }
            }

            /// What happened, in words.
            pub fn name(self) -> &'static str {
                match self { $(AuditAction::$variant => $label),+ }
            }
        }
    };
}

audit_actions! {
    Login => "login", "Signed in";
    LoginFailed => "login_failed", "Sign-in refused";
    Logout => "logout", "Signed out";
    UserCreated => "user_created", "Account created";
    UserAccessChanged => "user_access_changed", "Account's role or bodies changed";
    UserDisabled => "user_disabled", "Account disabled";
    UserEnabled => "user_enabled", "Account enabled";
    PasswordReset => "password_reset", "Password reset";
    SessionsEnded => "sessions_ended", "Sessions ended";
    DemoDataSeeded => "demo_data_seeded", "Demo data loaded";
    ReturnCreated => "return_created", "Return started";
    ReturnLinesSaved => "return_lines_saved", "Spend lines saved";
    ReturnIncomeSaved => "return_income_saved", "Income saved";
    ReturnExplanationsSaved => "return_explanations_saved", "Explanations saved";
    ReturnImported => "return_imported", "Return imported from a spreadsheet";
    ReturnSubmitted => "return_submitted", "Return submitted";
    ReturnApproved => "return_approved", "Return approved";
    ReturnSentBack => "return_sent_back", "Return sent back";
    ReturnWithdrawn => "return_withdrawn", "Return withdrawn";
    ReturnRestated => "return_restated", "Return restated";
    DeadlineSet => "deadline_set", "Return deadline set";
    BaselineRecorded => "baseline_recorded", "Baseline recorded";
    BaselineApproved => "baseline_approved", "Baseline approved";
    BaselineReturned => "baseline_returned", "Baseline sent back";
    BaselineRestated => "baseline_restated", "Baseline restated";
    TargetChanged => "target_changed", "Savings target changed";
    TargetExplained => "target_explained", "Target explained";
    SavingsSettingChanged => "savings_setting_changed", "Savings setting changed";
    InitiativeRecorded => "initiative_recorded", "Initiative recorded";
    InitiativeEdited => "initiative_edited", "Initiative corrected";
    InitiativeRegraded => "initiative_regraded", "Initiative's evidence regraded";
    InitiativeWithdrawn => "initiative_withdrawn", "Initiative withdrawn";
    SuccessionRecorded => "succession_recorded", "Merger or split recorded";
    OrganisationAdded => "organisation_added", "Body added";
    DataCentreAdded => "data_centre_added", "Data centre added";
    DataCentreChanged => "data_centre_changed", "Data centre changed";
    DataCentreOperational => "data_centre_operational", "Data centre's closure cancelled";
    DataCentreClosurePlanned => "data_centre_closure_planned", "Data centre closure planned";
    DataCentreMigrating => "data_centre_migrating", "Data centre migrating";
    DataCentreClosed => "data_centre_closed", "Data centre closed";
    DataCentreArchived => "data_centre_archived", "Data centre archived";
    DataCentreClosureReversed => "data_centre_closure_reversed", "Data centre closure reversed";
    ConsolidationTargetSet => "consolidation_target_set", "Consolidation target set";
    ConsolidationTargetRemoved => "consolidation_target_removed", "Consolidation target removed";
    SharedServiceSaved => "shared_service_saved", "Shared service saved";
    AdoptionRecorded => "adoption_recorded", "Adoption recorded";
    AdoptionChanged => "adoption_changed", "Adoption changed";
    AdoptionMoved => "adoption_moved", "Adoption moved on";
    AdoptionAbandoned => "adoption_abandoned", "Adoption abandoned";
    BoardPackFrozen => "board_pack_frozen", "Board pack frozen";
    OpenDataPublished => "open_data_published", "Open dataset published";
    OpenDataWithdrawn => "open_data_withdrawn", "Open dataset withdrawn";
}

impl AuditAction {
    /// The action a stored code names, if it is one.
    pub fn parse(code: &str) -> Option<AuditAction> {
        Self::ALL.iter().copied().find(|a| a.code() == code)
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::AuditAction;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let codes: BTreeSet<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.code()), Some(*a));
            assert!(a.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
        assert_eq!(AuditAction::parse("return_deleted"), None);
    }
}
