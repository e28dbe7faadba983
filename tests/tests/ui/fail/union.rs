#[derive(optimist::Versioned)]
union Bits {
    id: u64,
    version: u32,
}

fn main() {}
