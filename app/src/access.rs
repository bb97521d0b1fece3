//! Who may do what: the capability model (issue 16; ADR 0013).
//!
//! A request's `Actor` is the signed-in person and where they came from. Before a use case
//! reads or changes anything that is not public, the server function (or REST handler) asks the
//! actor for a capability, and the use case takes that capability as its argument:
//!
//! - `ReadBody`: read one body's data (its officers; the board and the programme office read
//!   every body);
//! - `WriteBody`: change one body's data (that body's finance officers only);
//! - `ReadAll`: read across bodies (the board and the programme office);
//! - `Office`: the programme office's own work (accounts, targets, baselines' approval,
//!   successions, the catalogue).
//!
//! A capability cannot be made except by these checks (its fields are private), so a service
//! that takes one cannot be reached by someone who lacks it, and the checks live here once
//! instead of in each service. What a page may offer (an edit button) asks the same questions
//! (`Actor::can_write_body`) without demanding the capability.

use crate::domain::Role;
use crate::error::AppError;
use crate::model::CurrentUser;

/// Where a request came from, for throttling and the audit log.
#[derive(Clone, Debug)]
pub struct Client {
    pub addr: String,
}

/// The signed-in person behind a request, and where it came from.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user: CurrentUser,
    pub client: Client,
}

impl Actor {
    pub fn new(user: CurrentUser, client: Client) -> Self {
        Actor { user, client }
    }

    /// Whether this person may read the body's data (its officers; board and office read all).
    pub fn can_read_body(&self, code: &str) -> bool {
        self.user.may_read_org(code)
    }

    /// Whether this person may change the body's data (that body's finance officers).
    pub fn can_write_body(&self, code: &str) -> bool {
        self.user.may_write_org(code)
    }

    /// Whether this person reads across bodies (the board and the programme office).
    pub fn reads_all(&self) -> bool {
        self.user.role.reads_all_organisations()
    }

    /// Whether this person is the programme office.
    pub fn is_office(&self) -> bool {
        self.user.role == Role::Admin
    }

    /// Reading one body's data, or `Forbidden`.
    pub fn read_body<'a>(&'a self, code: &'a str) -> Result<ReadBody<'a>, AppError> {
        if self.can_read_body(code) {
            Ok(ReadBody { actor: self, code })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Changing one body's data, or `Forbidden`.
    pub fn write_body<'a>(&'a self, code: &'a str) -> Result<WriteBody<'a>, AppError> {
        if self.can_write_body(code) {
            Ok(WriteBody { actor: self, code })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Reading across bodies, or `Forbidden`.
    pub fn read_all(&self) -> Result<ReadAll<'_>, AppError> {
        if self.reads_all() {
            Ok(ReadAll { actor: self })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The programme office's work, or `Forbidden`.
    pub fn office(&self) -> Result<Office<'_>, AppError> {
        if self.is_office() {
            Ok(Office { actor: self })
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The right to read one body's data.
#[derive(Clone, Copy, Debug)]
pub struct ReadBody<'a> {
    actor: &'a Actor,
    code: &'a str,
}

/// The right to change one body's data (and so to read it).
#[derive(Clone, Copy, Debug)]
pub struct WriteBody<'a> {
    actor: &'a Actor,
    code: &'a str,
}

/// The right to read across bodies.
#[derive(Clone, Copy, Debug)]
pub struct ReadAll<'a> {
    actor: &'a Actor,
}

/// The right to do the programme office's work (and so to read across bodies).
#[derive(Clone, Copy, Debug)]
pub struct Office<'a> {
    actor: &'a Actor,
}

macro_rules! capability_accessors {
    ($($cap:ident),+) => {$(
        impl<'a> $cap<'a> {
            /// Who holds the capability.
            pub fn actor(&self) -> &'a Actor {
                self.actor
            }
            pub fn user(&self) -> &'a CurrentUser {
                &self.actor.user
            }
            pub fn client(&self) -> &'a Client {
                &self.actor.client
            }
        }
    )+};
}
capability_accessors!(ReadBody, WriteBody, ReadAll, Office);

impl<'a> ReadBody<'a> {
    /// The body's code.
    pub fn code(&self) -> &'a str {
        self.code
    }
}

impl<'a> WriteBody<'a> {
    /// The body's code.
    pub fn code(&self) -> &'a str {
        self.code
    }

    /// Whoever may change a body may read it.
    pub fn read(&self) -> ReadBody<'a> {
        ReadBody {
            actor: self.actor,
            code: self.code,
        }
    }
}

impl<'a> ReadAll<'a> {
    /// Whoever reads across bodies reads each of them.
    pub fn read_body(&self, code: &'a str) -> ReadBody<'a> {
        ReadBody {
            actor: self.actor,
            code,
        }
    }
}

impl<'a> Office<'a> {
    /// The programme office reads across bodies.
    pub fn read_all(&self) -> ReadAll<'a> {
        ReadAll { actor: self.actor }
    }

    /// The programme office reads each body.
    pub fn read_body(&self, code: &'a str) -> ReadBody<'a> {
        ReadBody {
            actor: self.actor,
            code,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Actor, Client};
    use crate::domain::Role;
    use crate::error::AppError;
    use crate::model::{CurrentUser, OrgRef};

    fn actor(role: Role, orgs: &[&str]) -> Actor {
        Actor::new(
            CurrentUser {
                id: 7,
                email: "someone@example.gov.scot".into(),
                display_name: "Someone".into(),
                role,
                organisations: orgs
                    .iter()
                    .enumerate()
                    .map(|(i, c)| OrgRef {
                        id: i as i64 + 1,
                        code: (*c).to_owned(),
                        name: format!("Body {c}"),
                    })
                    .collect(),
            },
            Client {
                addr: "192.0.2.1".into(),
            },
        )
    }

    #[test]
    fn an_officer_reads_and_writes_their_own_body_only() {
        let a = actor(Role::Officer, &["S12000033"]);
        let own = a.write_body("S12000033").expect("their own body");
        assert_eq!(own.code(), "S12000033");
        assert_eq!(own.read().code(), "S12000033");
        assert_eq!(own.user().id, 7);
        assert_eq!(own.client().addr, "192.0.2.1");
        assert!(a.read_body("S12000033").is_ok());
        assert!(matches!(a.read_body("S12000034"), Err(AppError::Forbidden)));
        assert!(matches!(
            a.write_body("S12000034"),
            Err(AppError::Forbidden)
        ));
        assert!(matches!(a.read_all(), Err(AppError::Forbidden)));
        assert!(matches!(a.office(), Err(AppError::Forbidden)));
    }

    #[test]
    fn the_board_reads_every_body_and_changes_none() {
        let a = actor(Role::Board, &[]);
        assert_eq!(
            a.read_body("S12000034").map(|r| r.code()).ok(),
            Some("S12000034")
        );
        assert!(a.read_all().is_ok());
        assert!(matches!(
            a.write_body("S12000034"),
            Err(AppError::Forbidden)
        ));
        assert!(matches!(a.office(), Err(AppError::Forbidden)));
    }

    #[test]
    fn the_office_reads_everything_and_does_its_own_work_but_changes_no_body() {
        let a = actor(Role::Admin, &["S12000033"]);
        let office = a.office().expect("the programme office");
        assert_eq!(office.read_body("S12000034").code(), "S12000034");
        assert!(a.read_all().is_ok());
        // Even a body it is linked to: figures are the body's officers' to enter.
        assert!(matches!(
            a.write_body("S12000033"),
            Err(AppError::Forbidden)
        ));
    }
}
