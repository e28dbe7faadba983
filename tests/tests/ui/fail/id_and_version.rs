#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    #[versioned(id, version)]
    id: u64,
    version: u32,
}

fn main() {}
