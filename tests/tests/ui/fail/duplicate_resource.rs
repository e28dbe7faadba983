#[derive(optimist::Versioned, serde::Serialize)]
#[versioned(resource = "User")]
#[versioned(resource = "Person")]
struct User {
    id: u64,
    version: u32,
}

fn main() {}
