#[derive(optimist::Versioned)]
struct User(u64, u32);

fn main() {}
