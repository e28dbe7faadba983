#[derive(PartialEq)]
struct Address {
    city: String,
}

#[derive(optimist::Versioned)]
struct User {
    id: u64,
    version: u32,
    address: Address,
}

fn main() {}
