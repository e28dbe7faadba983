//! More than 64 (and 128 bits' worth of half) fields.
use optimist::Versioned;

#[derive(Versioned, serde::Serialize, Clone, Default)]
struct Wide {
    id: u64,
    version: u64,
    f0: u8,
    f1: u8,
    f2: u8,
    f3: u8,
    f4: u8,
    f5: u8,
    f6: u8,
    f7: u8,
    f8: u8,
    f9: u8,
    f10: u8,
    f11: u8,
    f12: u8,
    f13: u8,
    f14: u8,
    f15: u8,
    f16: u8,
    f17: u8,
    f18: u8,
    f19: u8,
    f20: u8,
    f21: u8,
    f22: u8,
    f23: u8,
    f24: u8,
    f25: u8,
    f26: u8,
    f27: u8,
    f28: u8,
    f29: u8,
    f30: u8,
    f31: u8,
    f32: u8,
    f33: u8,
    f34: u8,
    f35: u8,
    f36: u8,
    f37: u8,
    f38: u8,
    f39: u8,
    f40: u8,
    f41: u8,
    f42: u8,
    f43: u8,
    f44: u8,
    f45: u8,
    f46: u8,
    f47: u8,
    f48: u8,
    f49: u8,
    f50: u8,
    f51: u8,
    f52: u8,
    f53: u8,
    f54: u8,
    f55: u8,
    f56: u8,
    f57: u8,
    f58: u8,
    f59: u8,
    f60: u8,
    f61: u8,
    f62: u8,
    f63: u8,
    f64: u8,
    f65: u8,
    f66: u8,
    f67: u8,
    f68: u8,
    f69: u8,
}

fn main() {
    let a = Wide { version: 1, ..Wide::default() };
    let mut b = a.clone();
    b.f0 = 1;
    b.f69 = 1;
    assert_eq!(Wide::FIELDS.len(), 70);
    assert_eq!(a.diff(&b).iter().collect::<Vec<_>>(), [0, 69]);
    let v1 = optimist::Version::FIRST;
    let current = optimist::Stored::new(a.clone(), optimist::Stamps::new(70, v1)).unwrap();
    let conflict = optimist::Conflict::new(&current, &b, v1, &a.diff(&b)).unwrap();
    assert_eq!(conflict.conflicts()[1].field(), "f69");
    assert_eq!(conflict.conflicts()[1].yours(), Some(&1.into()));
}
