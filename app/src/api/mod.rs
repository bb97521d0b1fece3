//! Server functions: public HTTP endpoints under `/api/`.
//!
//! Policy: each function is glue only (context -> parse -> service -> read model). Every one
//! will authorise inside its body once accounts exist (issue 3); today all data they expose is
//! public reference data. Each has a stable endpoint name.

pub mod organisations;
pub mod reference;
