//! The programme dashboard's tables: red/amber/green by sector, the bodies furthest behind and
//! the submission status by sector.

use super::super::BODIES_BEHIND_SHOWN;
use crate::domain::savings::Rag;
use crate::domain::{Money, Sector};
use crate::model::dashboard::{RagSectorRow, SubmissionRow};
use crate::model::returns::{StatusBoard, StatusCounts};
use crate::model::savings::{BodyRagRow, SavingsSummary};

/// How many bodies of each sector (or of the one asked for) are green, amber, red or not
/// reported; sectors with none are left out.
pub(super) fn rag_by_sector(summary: &SavingsSummary, sector: Option<Sector>) -> Vec<RagSectorRow> {
    Sector::ALL
        .iter()
        .filter(|s| sector.is_none_or(|x| x == **s))
        .map(|s| {
            let mut row = RagSectorRow {
                sector_code: s.code().to_owned(),
                sector: s.name().to_owned(),
                ..RagSectorRow::default()
            };
            for b in summary.bodies.iter().filter(|b| b.sector == s.name()) {
                match b.rag {
                    Rag::Green => row.green += 1,
                    Rag::Amber => row.amber += 1,
                    Rag::Red => row.red += 1,
                    Rag::NotReported | Rag::NoTarget => row.not_reported += 1,
                }
            }
            row
        })
        .filter(|r| r.green + r.amber + r.red + r.not_reported > 0)
        .collect()
}

/// The bodies shown: every body of one sector, or across all sectors the red ones furthest
/// behind their target (and whether the list is all of them).
pub(super) fn bodies_shown(
    summary: &SavingsSummary,
    sector: Option<Sector>,
) -> (Vec<BodyRagRow>, bool) {
    if sector.is_some() {
        return (summary.bodies.clone(), true);
    }
    let shortfall = |b: &BodyRagRow| {
        b.target
            .checked_sub(b.saving.unwrap_or(Money::ZERO))
            .unwrap_or(Money::ZERO)
    };
    let mut behind: Vec<_> = summary
        .bodies
        .iter()
        .filter(|b| b.rag == Rag::Red)
        .cloned()
        .collect();
    behind.sort_by(|a, b| shortfall(b).cmp(&shortfall(a)).then(a.name.cmp(&b.name)));
    behind.truncate(BODIES_BEHIND_SHOWN);
    (behind, false)
}

/// The submission status counted by sector, in the order the status board lists them.
pub(super) fn submissions(status: &StatusBoard) -> Vec<SubmissionRow> {
    let mut sectors_seen: Vec<String> = Vec::new();
    for r in &status.rows {
        if !sectors_seen.contains(&r.sector) {
            sectors_seen.push(r.sector.clone());
        }
    }
    sectors_seen
        .into_iter()
        .map(|s| SubmissionRow {
            counts: StatusCounts::of(status.rows.iter().filter(|r| r.sector == s)),
            // The status board carries sector codes; the table shows their names.
            sector: s
                .parse::<Sector>()
                .map_or(s, |sector| sector.name().to_owned()),
        })
        .collect()
}
