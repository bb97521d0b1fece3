//! The ICT Savings Tracker: the Leptos application (pages, components, server functions) and,
//! behind the `ssr` feature, the server side those functions call.
//!
//! Dependencies point one way: pages -> api -> services -> db -> domain.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod components;
pub mod domain;
pub mod error;
#[cfg(test)]
mod layers;
pub mod model;
pub mod pages;
mod shell;
pub mod util;

#[cfg(feature = "ssr")]
pub mod charts;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod import;
#[cfg(feature = "ssr")]
pub mod report;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod state;

pub use shell::{shell, App, SERVICE_NAME};
