//! The HTTP load benchmarks of optimist. `bash bench/http-load.sh`: the
//! users example against [`baseline`], the same routes, store, JSON and
//! request log without optimist, driven by the `load` client in one run.
//! `bash bench/wiki-load.sh`: the wiki against `peer`, its document read
//! behind a body-hash ETag layer, driven by `wrk`.

pub mod baseline;

/// Where a benchmark's comparison service listens and what it serves: the
/// arguments of `baseline` and `peer`, as the scripts pass them.
#[derive(clap::Parser)]
pub struct Serve {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The database URL, as for the service it is compared with.
    #[arg(long)]
    pub db: String,
}
