//! Reusable view pieces in the Scottish Government Design System's markup.
//! Policy: no business rules and no data fetching here; components take what they show.

pub mod error_page;
pub mod forms;
pub mod layout;
pub mod page_header;
