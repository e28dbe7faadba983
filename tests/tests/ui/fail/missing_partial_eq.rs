#[derive(serde::Serialize)]
struct Address {
    city: String,
}

#[derive(optimist::Versioned, serde::Serialize)]
struct User {
    id: u64,
    version: u32,
    address: Address,
}

fn main() {}
