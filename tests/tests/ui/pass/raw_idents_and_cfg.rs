//! Raw identifiers and `#[cfg]` on fields.
use optimist::Versioned;

#[derive(Versioned, serde::Serialize, Clone)]
struct r#Item {
    r#id: u64,
    r#version: u32,
    r#type: String,
    #[cfg(any())]
    never: String,
    #[cfg(all())]
    always: String,
    r#match: bool,
}

fn main() {
    let a = Item { id: 1, version: 1, r#type: "a".into(), always: "x".into(), r#match: true };
    let mut b = a.clone();
    b.r#type = "b".into();
    b.r#match = false;
    let names: Vec<_> = Item::FIELDS.iter().map(|f| f.name).collect();
    assert_eq!(names, ["type", "always", "match"]);
    assert_eq!(Item::RESOURCE, "Item");
    assert_eq!(a.diff(&b).iter().collect::<Vec<_>>(), [0, 2]);
    assert_eq!(b.field_json(0).unwrap().unwrap(), b.r#type.as_str());
}
