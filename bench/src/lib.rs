//! The HTTP load benchmarks of optimist. `bash bench/http-load.sh`: the
//! users example against [`baseline`], the same routes, store, JSON and
//! request log without optimist, driven by the `load` client in one run.
//! `bash bench/wiki-load.sh`: the wiki against `peer`, its document read
//! behind a body-hash ETag layer, driven by `wrk`.

pub mod baseline;
