//! One page component per file. Pages fetch through `api/` and lay out components; they hold
//! no business rules.

pub mod admin;
pub mod admin_user;
pub mod board_packs;
pub mod dashboard;
pub mod estate;
pub mod home;
pub mod import;
pub mod initiatives;
pub mod login;
pub mod not_found;
pub mod open_data;
pub mod organisation;
pub mod organisations;
pub mod returns;
pub mod savings;
pub mod shared;
