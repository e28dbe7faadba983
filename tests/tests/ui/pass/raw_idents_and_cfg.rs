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
    let v1 = optimist::Version::FIRST;
    let current = optimist::Stored::new(a.clone(), optimist::Stamps::new(3, v1)).unwrap();
    let conflict = optimist::Conflict::new(&current, &b, v1, &a.diff(&b)).unwrap();
    let shown: Vec<_> = conflict.conflicts().iter().map(|c| (c.field(), c.yours().unwrap().clone())).collect();
    assert_eq!(shown, [("type", "b".into()), ("match", false.into())]);
}
