//! The HTTP load benchmark of optimist (`bash bench/http-load.sh`): the
//! users example against [`baseline`], the same routes, store, JSON and
//! request log without optimist, driven by the `load` client in one run.

pub mod baseline;
