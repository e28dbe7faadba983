//! Generics, const generics, lifetimes and where clauses.
use optimist::Versioned;

#[derive(Versioned, serde::Serialize)]
struct Doc<'a, T, const N: usize>
where
    T: Clone,
{
    id: &'a str,
    version: u64,
    body: T,
    #[serde(skip)]
    #[versioned(skip)]
    scratch: [u8; N],
    title: &'a str,
}

#[derive(Versioned, serde::Serialize)]
struct Boxed<T: ?Sized + serde::Serialize + PartialEq> {
    id: u32,
    version: i64,
    value: Box<T>,
}

fn main() {
    let a = Doc { id: "d1", version: 1, body: vec![1], scratch: [0; 3], title: "x" };
    let b = Doc { id: "d1", version: 2, body: vec![2], scratch: [0; 3], title: "x" };
    assert_eq!(a.diff(&b).iter().collect::<Vec<_>>(), [0]);
    assert_eq!(*a.id(), "d1");
    assert_eq!(<Doc<'_, Vec<u8>, 3> as Versioned>::FIELDS.len(), 2);
    let s = Boxed::<str> { id: 1, version: 1, value: "x".into() };
    assert!(s.diff(&Boxed { id: 1, version: 1, value: "x".into() }).is_empty());
}
