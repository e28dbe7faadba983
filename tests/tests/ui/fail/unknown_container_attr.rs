#[derive(optimist::Versioned, serde::Serialize)]
#[versioned(name = "Person")]
struct User {
    id: u64,
    version: u32,
}

fn main() {}
