//! Organisation identifiers: `OrgId` (the database key) and `OrgCode` (the stable public code).
//!
//! Policy: an `OrgCode` is the tracker's own identifier for a public body, lower-case letters,
//! digits and hyphens (it appears in URLs and spreadsheet returns). It is not an official
//! register code; it never changes once published, even when the body's name does.

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The database key of an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrgId(pub i64);

/// A public body's stable code, such as `council-fife` or `police-scotland`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgCode(String);

impl OrgCode {
    pub const MAX_LEN: usize = 64;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OrgCode {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let code = text.trim().to_ascii_lowercase();
        let valid_chars = code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let well_formed = (2..=Self::MAX_LEN).contains(&code.len())
            && valid_chars
            && !code.starts_with('-')
            && !code.ends_with('-')
            && !code.contains("--");
        if well_formed {
            Ok(OrgCode(code))
        } else {
            Err(ParseError::new(
                "organisation code",
                text,
                "2 to 64 letters, digits and single hyphens, like council-fife",
            ))
        }
    }
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OrgCode {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<OrgCode> for String {
    fn from(value: OrgCode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_normalised_to_lower_case() {
        assert_eq!(
            "Council-Fife".parse::<OrgCode>().unwrap().as_str(),
            "council-fife"
        );
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "a",
            "-fife",
            "fife-",
            "fi--fe",
            "fife council",
            "fïfe",
            &"x".repeat(65),
        ] {
            assert!(bad.parse::<OrgCode>().is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_code_parses_again_to_itself(text in "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}") {
            if let Ok(code) = text.parse::<OrgCode>() {
                prop_assert_eq!(code.to_string().parse::<OrgCode>(), Ok(code));
            }
        }
    }
}
