//! The savings engine: baselines, spend-based and initiative-based savings, targets and the
//! arithmetic behind every figure (issue 6).
//!
//! Policy: pure and exact. Money is whole pence (`Money`) or, in real terms, an exact `Decimal`
//! rounded only for display; no float ever touches a figure (`clippy::float_arithmetic` is
//! denied for the whole domain module). Storage, read models and pages live in `services`.

pub mod apportion;
pub mod baseline;
pub mod counting;
pub mod deflator;
pub mod initiative;
pub mod spend;
pub mod target;

pub use apportion::{apportion, ApportionError};
pub use baseline::{
    effective_baselines, BaselineIssue, BaselinePart, EffectiveBaseline, RecordedBaseline, Share,
    Succession,
};
pub use counting::NotCounted;
pub use deflator::{Basis, DeflatorError, Deflators};
pub use initiative::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
pub use spend::{Actual, Fact, FactRole, FactSum, Figures, Trace};
pub use target::{ApportionMethod, Apportionment, Claimant, Rag, ReviewBaselines, Trajectory};
