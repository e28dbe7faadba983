//! The rules of conditional requests over any store: reads and writes
//! decided from the preconditions, the body version and the field stamps
//! (`ops`), the service's choices (`Policy`), request bodies (`content`),
//! success responses (`Tagged`), and `Collection`, which serves them to
//! handlers.

mod collection;
pub mod content;
mod keyed;
pub mod ops;
mod page;
mod policy;
mod receipt;
mod tagged;

pub use collection::{Collection, Creation, Replacement, View, kept};
pub use keyed::Keyed;
pub use page::{Listed, PageRequest};
pub use policy::Policy;
pub use receipt::Receipt;
pub use tagged::{NoContent, Tagged};
