//! Merge-patch application and the derive-generated comparison and field
//! JSON on a 16-field resource, and the rules of stale writes and merges for writes through
//! the memory store: no panic on any input; a diff is empty exactly when
//! the states are equal; a field's JSON is withheld exactly when it is
//! sensitive; a
//! stale write is merged only where it touches nothing changed since its
//! version, and is otherwise refused with nothing written; a secret never
//! appears in a refusal.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use arbitrary::{Arbitrary, Unstructured};
use optimist::{
    Conflict, Error, FieldSet, MemoryStore, Policy, Preconditions, ResourcePatch, Stamps, Stored,
    Version, Versioned,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Sixteen compared fields of varied types, one of them sensitive.
#[derive(Versioned, Serialize, Deserialize, Arbitrary, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Wide {
    id: u64,
    version: u32,
    f0: String,
    f1: i64,
    f2: bool,
    f3: Option<String>,
    f4: Vec<u8>,
    f5: u8,
    f6: Option<bool>,
    f7: String,
    f8: Vec<String>,
    f9: i32,
    #[serde(rename = "eleventh")]
    f10: String,
    f11: Option<u16>,
    f12: bool,
    f13: String,
    f14: (u8, bool),
    #[versioned(sensitive)]
    secret: String,
}

/// A JSON value of bounded depth, for merge patches.
#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
    Array(Vec<Json>),
    /// Members named after the resource's fields (by index), so patches hit them.
    Object(Vec<(u8, Json)>),
}

/// Wire names a patch may use: every field, the id, the version, and one unknown.
const NAMES: [&str; 20] = [
    "id", "version", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "eleventh", "f11",
    "f12", "f13", "f14", "secret", "unknown", "f10",
];

impl Json {
    fn value(&self, depth: usize) -> Value {
        match self {
            _ if depth > 8 => Value::Null,
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(n) => Value::from(*n),
            Json::Text(s) => Value::from(s.as_str()),
            Json::Array(items) => items.iter().map(|j| j.value(depth + 1)).collect(),
            Json::Object(members) => members
                .iter()
                .map(|(k, v)| {
                    (
                        NAMES[usize::from(*k) % NAMES.len()].to_owned(),
                        v.value(depth + 1),
                    )
                })
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    first: Wide,
    /// Whole replacements applied with `If-Match`, one version each.
    edits: Vec<Wide>,
    /// A merge patch, and the version it claims to be based on.
    patch: Json,
    base: u8,
    target: Json,
    /// Fields whose JSON is checked.
    fields: Vec<u8>,
}

/// Polls a future of the memory store, which never waits, to completion.
fn now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("the memory store never waits"),
    }
}

/// Each compared field's JSON, read from the serialised struct (not from
/// the derive, which withholds sensitive values).
fn compared(value: &Wide) -> Vec<Value> {
    let json = serde_json::to_value(value).expect("serialises");
    Wide::FIELDS.iter().map(|f| json[f.name].clone()).collect()
}

/// The derive: diff, and what a conflict shows of each field.
fn derive_laws(a: &Wide, b: &Wide, fields: &[u8]) {
    assert!(a.diff(a).is_empty());
    let diff = a.diff(b);
    let (ja, jb) = (compared(a), compared(b));
    for i in 0..Wide::FIELDS.len() {
        assert_eq!(diff.contains(i), ja[i] != jb[i], "field {i}: {a:?} {b:?}");
    }
    // A conflict over `fields` shows each one as the serialised struct
    // does, and withholds exactly the sensitive ones.
    let set: FieldSet = fields
        .iter()
        .map(|f| usize::from(*f) % Wide::FIELDS.len())
        .collect();
    let current = Wide {
        version: 1,
        ..b.clone()
    };
    let stamps = Stamps::new(Wide::FIELDS.len(), Version::FIRST);
    let current = Stored::new(current, stamps).expect("version 1 is valid");
    let conflict = Conflict::new(&current, a, Version::FIRST, &set).expect("serialises");
    assert_eq!(conflict.conflicts().len(), set.iter().count());
    for (shown, i) in conflict.conflicts().iter().zip(set.iter()) {
        let field = Wide::FIELDS[i];
        assert_eq!(shown.field(), field.name);
        if field.sensitive {
            assert!(shown.is_redacted() && shown.yours().is_none() && shown.current().is_none());
        } else {
            assert_eq!(
                (shown.yours(), shown.current()),
                (Some(&ja[i]), Some(&jb[i])),
                "field {i}"
            );
        }
    }
}

/// RFC 7396 on arbitrary documents: applying a patch twice is applying it once.
fn merge_patch_laws(target: &Value, patch: &Value) {
    let mut once = target.clone();
    optimist::apply_merge_patch(&mut once, patch);
    let mut twice = once.clone();
    optimist::apply_merge_patch(&mut twice, patch);
    assert_eq!(once, twice, "patch {patch} on {target}");
    if let (Value::Object(result), Value::Object(members)) = (&once, patch) {
        for (name, value) in members {
            assert_eq!(result.get(name).is_none(), value.is_null(), "member {name}");
        }
    }
}

/// A stored history of `first` and `edits`, then the stale patch.
fn write_laws(input: &Input, patch: &Value) {
    let store = MemoryStore::<Wide>::new();
    let mut first = input.first.clone();
    first.secret = format!("SECRET-{}", first.secret);
    let id = first.id;
    let Ok(mut current) = now(optimist::create(&store, first)) else {
        unreachable!("an empty store takes any id")
    };
    let policy = Policy::DEFAULT;
    for edit in input.edits.iter().take(8) {
        let mut next = edit.clone();
        next.id = id;
        next.secret = format!("SECRET-{}", next.secret);
        let pre = Preconditions::from_lines([current.etag().to_string().as_bytes()], []).unwrap();
        let done = now(optimist::put(&store, &id, &pre, &policy, None, |_| {
            Ok(next.clone())
        }))
        .expect("a current If-Match");
        let changed = current.value().diff(&next);
        assert_eq!(
            done.stored.version() > current.version(),
            !changed.is_empty()
        );
        current = done.stored;
    }
    let before = read(&store, id);
    assert_eq!(before.version(), current.version());
    let Ok(resource_patch) = ResourcePatch::<Wide>::new(patch.clone()) else {
        return;
    };
    let base = Version::new(u64::from(input.base) % (current.version().get() + 1))
        .or(Some(Version::FIRST));
    let pre = Preconditions::default();
    let base = resource_patch.base().or(base);
    let outcome = now(optimist::patch(&store, &id, &pre, &policy, base, |c| {
        resource_patch.apply(c)
    }));
    let after = read(&store, id);
    match outcome {
        Ok(done) => {
            let changed = before.value().diff(after.value());
            assert_eq!(after.version(), done.stored.version());
            if changed.is_empty() {
                assert_eq!(after.version(), before.version(), "no change, no version");
            } else {
                assert_eq!(
                    after.version().get(),
                    before.version().get() + 1,
                    "one version per write"
                );
                let based_on = resource_patch.base().or(base).unwrap();
                for i in changed.iter() {
                    let stamp = before.stamps().get(i).unwrap();
                    assert!(
                        stamp <= based_on,
                        "field {i} changed in {stamp}, after {based_on}: merged over it"
                    );
                    assert_eq!(after.stamps().get(i), Some(after.version()));
                }
            }
        }
        Err(error) => {
            assert!(error.status().is_client_error(), "{error}: {patch}");
            assert_eq!(
                after.version(),
                before.version(),
                "a refusal writes nothing"
            );
            assert_eq!(after.value(), before.value());
            no_secret_in(&error, &before, patch);
            if let Error::Conflict(conflict) = &error {
                assert!(conflict.conflicts().iter().all(|c| {
                    before.stamps().get(
                        Wide::FIELDS
                            .iter()
                            .position(|f| f.name == c.field())
                            .unwrap(),
                    ) > Some(conflict.your_version())
                }));
            }
        }
    }
}

/// The stored secret appears in no refusal: `current` has no member for
/// it, its conflict entry holds no values, and its text is in neither body
/// nor `Debug` — unless a field that is not secret holds the same text.
fn no_secret_in(error: &Error, before: &Stored<Wide>, patch: &Value) {
    let text = String::from_utf8(error.problem_json(None)).unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    if let Some(current) = body.get("current") {
        assert!(current.get("secret").is_none(), "{text}");
    }
    if let Some(Value::Array(conflicts)) = body.get("conflicts") {
        for c in conflicts.iter().filter(|c| c["field"] == "secret") {
            assert!(
                c.get("yours").is_none() && c.get("current").is_none(),
                "{text}"
            );
            assert_eq!(c["redacted"], true, "{text}");
        }
    }
    let secret = &before.value().secret;
    let mut elsewhere = serde_json::to_value(before.value()).unwrap();
    elsewhere.as_object_mut().unwrap().remove("secret");
    let elsewhere = format!("{elsewhere}{patch}");
    let quoted = serde_json::to_string(secret).unwrap();
    let quoted = &quoted[1..quoted.len() - 1];
    if !elsewhere.contains(quoted) {
        assert!(!text.contains(quoted), "a refusal shows the secret: {text}");
        assert!(
            !format!("{error:?}").contains(secret.as_str()),
            "Debug shows the secret"
        );
    }
}

fn read(store: &MemoryStore<Wide>, id: u64) -> Stored<Wide> {
    now(optimist::read(
        store,
        &id,
        &Preconditions::default(),
        &optimist::Policy::DEFAULT,
    ))
    .expect("stored")
}

/// The check.
pub fn check(data: &[u8]) {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let other = input.edits.first().unwrap_or(&input.first);
    derive_laws(&input.first, other, &input.fields);
    let (patch, target) = (input.patch.value(0), input.target.value(0));
    merge_patch_laws(&target, &patch);
    write_laws(&input, &patch);
}
