//! `Sector`: the six parts of the Scottish public sector the McClelland review covered.
//!
//! Source: McClelland review (2011), scope; sector spend as reported (Sunday Herald, 2014).
//! Codes are the tracker's own stable identifiers; names are what people read.

use super::ParseError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Sector {
    LocalGovernment,
    Nhs,
    ScottishGovernment,
    OtherPublicBodies,
    PoliceAndFire,
    FurtherAndHigherEducation,
}

impl Sector {
    pub const ALL: [Sector; 6] = [
        Sector::LocalGovernment,
        Sector::Nhs,
        Sector::ScottishGovernment,
        Sector::OtherPublicBodies,
        Sector::PoliceAndFire,
        Sector::FurtherAndHigherEducation,
    ];

    /// The stable code used in URLs, files and the database.
    pub fn code(self) -> &'static str {
        match self {
            Sector::LocalGovernment => "local-government",
            Sector::Nhs => "nhs",
            Sector::ScottishGovernment => "scottish-government",
            Sector::OtherPublicBodies => "other-public-bodies",
            Sector::PoliceAndFire => "police-fire",
            Sector::FurtherAndHigherEducation => "education",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Sector::LocalGovernment => "Local government",
            Sector::Nhs => "NHS Scotland",
            Sector::ScottishGovernment => "Scottish Government and its agencies",
            Sector::OtherPublicBodies => "Other public bodies",
            Sector::PoliceAndFire => "Police and fire",
            Sector::FurtherAndHigherEducation => "Further and higher education",
        }
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Sector {
    type Err = ParseError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim();
        Sector::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(wanted) || s.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                ParseError::new(
                    "sector",
                    text,
                    "one of local-government, nhs, scottish-government, other-public-bodies, police-fire, education",
                )
            })
    }
}

impl TryFrom<String> for Sector {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Sector> for String {
    fn from(value: Sector) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sector_parses_from_its_code_and_its_name() {
        for s in Sector::ALL {
            assert_eq!(s.code().parse::<Sector>(), Ok(s));
            assert_eq!(s.name().to_uppercase().parse::<Sector>(), Ok(s));
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = Sector::ALL.iter().map(|s| s.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Sector::ALL.len());
    }

    #[test]
    fn an_unknown_sector_names_the_choices() {
        let err = "health".parse::<Sector>().map(|_| ()).unwrap_err();
        assert!(err.to_string().contains("nhs"), "{err}");
    }
}
