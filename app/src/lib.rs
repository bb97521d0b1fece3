//! The ICT Savings Tracker: the Leptos application (pages, components, server functions) and,
//! behind the `ssr` feature, the server side those functions call.
//!
//! Dependencies point one way: pages -> api -> services -> db -> domain.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
#[cfg(feature = "ssr")]
pub mod auth;
pub mod components;
/// The domain core is its own crate (`domain/`), named here so `crate::domain::…` reads as before.
pub use ::domain;
pub mod error;
#[cfg(test)]
mod layers;
pub mod model;
pub mod pages;
mod shell;
#[cfg(test)]
mod traced;
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
