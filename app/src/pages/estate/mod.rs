//! Data-centre pages: the estate's consolidation (board and office), a body's sites with the
//! form to add one, and one site with its figures and closure. Plain forms; no JavaScript needed.

mod front;
mod site;
mod sites;

pub use front::*;
pub use site::*;
pub use sites::*;

pub(super) fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| v.to_string())
}
