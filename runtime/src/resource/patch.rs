//! JSON Merge Patch (RFC 7396) onto a typed resource.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::http::Version;
use crate::problem::Error;
use crate::resource::Versioned;

/// The media type of a merge patch.
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";

/// Applies `patch` to `target` as RFC 7396 §2 says.
///
/// ```
/// use serde_json::json;
/// let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
/// optimist::apply_merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
/// assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
/// ```
pub fn apply_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        target.clone_from(patch);
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                apply_merge_patch(target.entry(key.as_str()).or_insert(Value::Null), value);
            }
        }
    }
}

/// A merge patch for a resource: the patch without its version member,
/// and that version (the client's base), if it named one.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::ResourcePatch;
/// let patch = ResourcePatch::<Note>::new(serde_json::json!({"text": "hi", "version": 4}))?;
/// assert_eq!(patch.base().map(|v| v.get()), Some(4));
/// let note = Note { id: 1, version: 4, text: "".into() };
/// assert_eq!(patch.apply(&note)?.text, "hi");
/// # Ok::<(), optimist::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ResourcePatch<T> {
    patch: Value,
    base: Option<Version>,
    _resource: core::marker::PhantomData<fn() -> T>,
}

impl<T: Versioned> ResourcePatch<T> {
    /// Checks the patch's shape and takes out its version member. A patch
    /// of a `#[versioned(skip)]` field (the service's bookkeeping) is 422.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
    /// # struct Note { id: u64, version: u64, text: String, #[versioned(skip)] log: Vec<u64> }
    /// let err = optimist::ResourcePatch::<Note>::new(serde_json::json!({"log": []})).err();
    /// assert_eq!(err.map(|e| e.status().as_u16()), Some(422));
    /// ```
    pub fn new(patch: Value) -> Result<Self, Error> {
        let Value::Object(mut members) = patch else {
            return Err(Error::Unprocessable(format!(
                "a merge patch for a {} must be a JSON object",
                T::RESOURCE
            )));
        };
        if let Some(name) = T::SKIPPED.iter().find(|name| members.contains_key(**name)) {
            return Err(Error::Unprocessable(format!(
                "`{name}` is kept by the service and cannot be patched"
            )));
        }
        let base = match members.remove(T::VERSION_FIELD) {
            None | Some(Value::Null) => None,
            Some(v) => Some(body_version(&v, T::VERSION_FIELD)?),
        };
        Ok(ResourcePatch {
            patch: Value::Object(members),
            base,
            _resource: core::marker::PhantomData,
        })
    }

    /// The version the client based its patch on.
    #[must_use]
    pub fn base(&self) -> Option<Version> {
        self.base
    }

    /// The patched resource. The id cannot be patched to another value.
    pub fn apply(&self, current: &T) -> Result<T, Error>
    where
        T: Serialize + DeserializeOwned,
        T::Id: Serialize,
    {
        let mut doc =
            serde_json::to_value(current).map_err(|e| Error::Unprocessable(e.to_string()))?;
        if let (Some(sent), Some(id)) = (self.patch.get(T::ID_FIELD), doc.get(T::ID_FIELD))
            && sent != id
        {
            return Err(Error::Unprocessable(format!(
                "the {} in the body differs from the one in the path",
                T::ID_FIELD
            )));
        }
        apply_merge_patch(&mut doc, &self.patch);
        serde_json::from_value(doc).map_err(|e| Error::Unprocessable(e.to_string()))
    }
}

/// Reads a version member sent by a client: a positive integer, else 422.
///
/// ```
/// use serde_json::json;
/// assert_eq!(optimist::body_version(&json!(3), "version")?.get(), 3);
/// assert_eq!(optimist::body_version(&json!("3"), "version").unwrap_err().status(), 422);
/// assert!(optimist::body_version(&json!(0), "version").is_err());
/// # Ok::<(), optimist::Error>(())
/// ```
pub fn body_version(value: &Value, member: &str) -> Result<Version, Error> {
    let integer = crate::rules::content::integer(value).ok();
    integer.and_then(Version::new).ok_or_else(|| {
        Error::Unprocessable(format!(
            "`{member}` must be a version that this server issued: an integer from 1"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The examples of RFC 7396 Appendix A.
    #[test]
    fn rfc_7396_appendix_a() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            apply_merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }
}
