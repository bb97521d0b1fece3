//! Spreadsheet returns (issue 5): read a workbook or CSV safely, parse its spend sheet into lines
//! with a problem report that points at cells, and build the template officers fill in.
//!
//! Policy: nothing here touches the database; `services::import` validates against what is
//! stored and commits through `services::returns` (one transaction, the same lifecycle and
//! audit as the entry form).

pub mod estate;
pub mod reader;
pub mod spend;
pub mod template;
