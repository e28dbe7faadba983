#[derive(optimist::Versioned, serde::Serialize)]
#[versioned(resource = "")]
struct User {
    id: u64,
    version: u32,
}

fn main() {}
