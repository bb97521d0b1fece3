//! The domain core: pure rules and types of the ICT savings programme.
//!
//! Policy: no IO, no Leptos, no sqlx, no floats. Everything here compiles for the browser
//! (wasm) and the server alike, and every rule cites its source next to the code
//! (`shared/DOMAIN.md` gathers the sources).
#![deny(clippy::float_arithmetic)]

/// An enum of named choices with a stable code (for forms, files and the database), a name for
/// people, `ALL`, and a `parse` that names what was expected.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal, $expected:literal { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code),+ } }
            pub fn name(self) -> &'static str { match self { $($name::$variant => $label),+ } }
            pub fn parse(text: &str) -> Result<$name, crate::ParseError> {
                Self::ALL.iter().copied().find(|v| v.code() == text.trim())
                    .ok_or_else(|| crate::ParseError::new($what, text, $expected))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.name()) }
        }
    };
}

pub mod account;
pub mod category;
pub mod estate;
pub mod financial_year;
pub mod income;
pub mod input;
pub mod lifetime;
pub mod money;
pub mod org;
pub mod return_status;
pub mod savings;
pub mod sector;
pub mod spend_line;

pub use account::{Email, Role};
pub use category::{CostGroup, SpendCategory};
pub use financial_year::FinancialYear;
pub use lifetime::Lifetime;
pub use money::{Money, MoneyError};
pub use org::{OrgCode, OrgId};
pub use return_status::{ReturnAction, ReturnStatus, TransitionError};
pub use sector::Sector;

/// An error raised when text from outside (a form, a URL, a file, a database row) does not
/// parse into a domain value. It names what was expected so a person can correct it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {found:?} is not valid; expected {expected}")]
pub struct ParseError {
    pub what: &'static str,
    pub found: String,
    pub expected: &'static str,
}

impl ParseError {
    pub fn new(what: &'static str, found: impl Into<String>, expected: &'static str) -> Self {
        Self {
            what,
            found: found.into(),
            expected,
        }
    }
}
