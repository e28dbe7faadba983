//! Resources of 4, 16 and 70 fields, and one with a body of a given size.

use optimist::Versioned;

/// Four fields.
#[derive(Versioned, serde::Serialize, Clone, Default, Debug)]
pub struct Narrow {
    pub id: u64,
    pub version: u64,
    pub name: String,
    pub email: String,
    pub age: u32,
    pub active: bool,
}

/// Sixteen fields, the usual mix of strings and numbers.
#[derive(Versioned, serde::Serialize, Clone, Default, Debug)]
pub struct Medium {
    pub id: u64,
    pub version: u64,
    pub f0: String,
    pub f1: String,
    pub f2: String,
    pub f3: String,
    pub f4: u64,
    pub f5: u64,
    pub f6: u64,
    pub f7: u64,
    pub f8: bool,
    pub f9: bool,
    pub f10: String,
    pub f11: String,
    pub f12: i32,
    pub f13: i32,
    pub f14: Option<String>,
    pub f15: Option<String>,
}

/// Seventy fields.
#[derive(Versioned, serde::Serialize, Clone, Default, Debug)]
pub struct Wide {
    pub id: u64,
    pub version: u64,
    pub f0: u32,
    pub f1: u32,
    pub f2: u32,
    pub f3: u32,
    pub f4: u32,
    pub f5: u32,
    pub f6: u32,
    pub f7: u32,
    pub f8: u32,
    pub f9: u32,
    pub f10: u32,
    pub f11: u32,
    pub f12: u32,
    pub f13: u32,
    pub f14: u32,
    pub f15: u32,
    pub f16: u32,
    pub f17: u32,
    pub f18: u32,
    pub f19: u32,
    pub f20: u32,
    pub f21: u32,
    pub f22: u32,
    pub f23: u32,
    pub f24: u32,
    pub f25: u32,
    pub f26: u32,
    pub f27: u32,
    pub f28: u32,
    pub f29: u32,
    pub f30: u32,
    pub f31: u32,
    pub f32: u32,
    pub f33: u32,
    pub f34: u32,
    pub f35: u32,
    pub f36: u32,
    pub f37: u32,
    pub f38: u32,
    pub f39: u32,
    pub f40: u32,
    pub f41: u32,
    pub f42: u32,
    pub f43: u32,
    pub f44: u32,
    pub f45: u32,
    pub f46: u32,
    pub f47: u32,
    pub f48: u32,
    pub f49: u32,
    pub f50: u32,
    pub f51: u32,
    pub f52: u32,
    pub f53: u32,
    pub f54: u32,
    pub f55: u32,
    pub f56: u32,
    pub f57: u32,
    pub f58: u32,
    pub f59: u32,
    pub f60: u32,
    pub f61: u32,
    pub f62: u32,
    pub f63: u32,
    pub f64: u32,
    pub f65: u32,
    pub f66: u32,
    pub f67: u32,
    pub f68: u32,
    pub f69: u32,
}

/// A representation of about `size` bytes of JSON.
#[derive(Versioned, serde::Serialize, Clone, Default, Debug)]
pub struct Document {
    pub id: u64,
    pub version: u64,
    pub title: String,
    pub body: String,
}

impl Document {
    pub fn of_size(size: usize) -> Self {
        Document {
            id: 1,
            version: 0,
            title: "A document".into(),
            body: "lorem ipsum ".repeat(size / 12),
        }
    }
}
