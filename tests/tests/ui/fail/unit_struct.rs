#[derive(optimist::Versioned)]
struct Marker;

fn main() {}
