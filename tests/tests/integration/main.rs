//! Every integration test, in one binary (issue 16: one link instead of seventeen): each
//! module is one area, through the real router or the services, on SQLite and PostgreSQL.
//! The browser tests are their own binary (`browser.rs`, feature `e2e`).
#![allow(
    clippy::too_many_lines,
    reason = "a test reads as one scenario, start to finish (the 80-line rule is for app code)"
)]

mod admin_accounts;
mod auth;
mod authorisation_matrix;
mod backup;
mod dashboard;
mod data_version;
mod estate;
mod estate_import;
mod import;
mod import_fixtures;
mod open_data;
mod pages;
mod return_pages;
mod returns;
mod savings;
mod shared_services;
