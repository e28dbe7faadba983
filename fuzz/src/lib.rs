//! What the fuzz targets check. Each `check` takes raw bytes and panics
//! where optimist breaks a rule; the fuzz targets and the corpus replay
//! test call the same functions.

pub mod evaluate;
pub mod header;
pub mod merge;
