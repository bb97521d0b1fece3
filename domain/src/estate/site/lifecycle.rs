//! A site's lifecycle: operational → closure planned → migrating → closed, and cancelling.

use super::*;
use chrono::NaiveDate;

/// Something a person asks to do to a site's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteAction {
    PlanClosure {
        target: NaiveDate,
        destination: Destination,
    },
    StartMigration,
    Close {
        on: NaiveDate,
    },
    Cancel,
}

/// Why a lifecycle step is refused, naming the field at fault where there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("a site that is {0} cannot {1}")]
    NotNow(SiteStatus, &'static str),
    #[error("{field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
}

/// The next status, if the action is allowed now.
pub fn apply(
    status: SiteStatus,
    opened: Option<NaiveDate>,
    action: SiteAction,
) -> Result<SiteStatus, LifecycleError> {
    use SiteStatus::*;
    let before_opening = |date: NaiveDate| opened.is_some_and(|o| date < o);
    match (status, action) {
        (Operational, SiteAction::PlanClosure { target, .. }) => {
            if before_opening(target) {
                return Err(LifecycleError::Field {
                    field: "target_date",
                    message: format!("Target date: {target} is before the site opened"),
                });
            }
            Ok(ClosurePlanned)
        }
        (ClosurePlanned, SiteAction::StartMigration) => Ok(Migrating),
        (ClosurePlanned | Migrating, SiteAction::Close { on }) => {
            if before_opening(on) {
                return Err(LifecycleError::Field {
                    field: "closed_date",
                    message: format!(
                        "Closed on: {on} is before the site opened ({})",
                        opened.map(|o| o.to_string()).unwrap_or_default()
                    ),
                });
            }
            Ok(Closed)
        }
        (ClosurePlanned | Migrating, SiteAction::Cancel) => Ok(Operational),
        (status, action) => Err(LifecycleError::NotNow(
            status,
            match action {
                SiteAction::PlanClosure { .. } => "have a closure planned",
                SiteAction::StartMigration => "start migrating (plan its closure first)",
                SiteAction::Close { .. } => "be closed (plan its closure first)",
                SiteAction::Cancel => "have its closure cancelled",
            },
        )),
    }
}
