#[derive(optimist::Versioned)]
enum Shape {
    Circle { id: u64, version: u32 },
}

fn main() {}
