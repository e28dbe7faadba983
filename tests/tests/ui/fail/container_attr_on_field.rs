#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    version: u32,
    #[versioned(resource = "Name")]
    name: String,
}

fn main() {}
