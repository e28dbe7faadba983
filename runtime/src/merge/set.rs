//! Sets: the elements the request added and removed since the base,
//! applied to the current value.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

/// A collection type a `#[versioned(set)]` field may have: its elements
/// are compared as their JSON, as the history keeps them.
///
/// ```
/// use optimist::merge::SetField;
/// let tags = vec!["a".to_owned()];
/// assert_eq!(tags.items().count(), 1);
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[versioned(set)]` needs a `Vec` or a `BTreeSet` field, not `{Self}`",
    label = "not a collection optimist merges as a set",
    note = "a set merge applies each request's additions and removals to the current elements: use `Vec<T>` or `BTreeSet<T>`, or remove `set`"
)]
pub trait SetField: Sized {
    /// The element type.
    type Item: Serialize + Clone;
    /// The elements, in order.
    fn items(&self) -> impl Iterator<Item = &Self::Item>;
    /// The collection of these elements.
    fn from_items(items: Vec<Self::Item>) -> Self;
}

impl<E: Serialize + Clone> SetField for Vec<E> {
    type Item = E;

    fn items(&self) -> impl Iterator<Item = &E> {
        self.iter()
    }

    fn from_items(items: Vec<E>) -> Self {
        items
    }
}

impl<E: Serialize + Clone + Ord> SetField for BTreeSet<E> {
    type Item = E;

    fn items(&self) -> impl Iterator<Item = &E> {
        self.iter()
    }

    fn from_items(items: Vec<E>) -> Self {
        items.into_iter().collect()
    }
}

/// The current elements without those the request removed since `base`,
/// then those it added (in its order), each once.
///
/// # Errors
/// An element does not serialise, or the base is not an array.
pub(crate) fn merge_set<S: SetField>(
    base: &Value,
    yours: &S,
    current: &S,
) -> Result<S, serde_json::Error> {
    // Every element is keyed as the history keeps it: its JSON value, printed.
    let key = |item: &S::Item| serde_json::to_value(item).map(|v| v.to_string());
    let Value::Array(base) = base else {
        return Err(serde::ser::Error::custom("the kept value is not an array"));
    };
    let base: HashSet<String> = base.iter().map(Value::to_string).collect();
    let yours: Vec<(String, &S::Item)> = yours
        .items()
        .map(|item| Ok((key(item)?, item)))
        .collect::<Result<_, serde_json::Error>>()?;
    let kept: HashSet<&str> = yours.iter().map(|(k, _)| k.as_str()).collect();
    let mut seen = HashSet::new();
    let mut merged = Vec::new();
    for item in current.items() {
        let k = key(item)?;
        let removed = base.contains(&k) && !kept.contains(k.as_str());
        if !removed && seen.insert(k) {
            merged.push(item.clone());
        }
    }
    for (k, item) in yours {
        if !base.contains(&k) && seen.insert(k) {
            merged.push(item.clone());
        }
    }
    Ok(S::from_items(merged))
}

#[cfg(test)]
mod tests {
    use super::merge_set;
    use serde_json::json;

    #[test]
    fn additions_and_removals_of_both_sides_land() {
        let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let merged = merge_set(
            &json!(["a", "b", "c"]),
            &s(&["a", "c", "x"]),
            &s(&["a", "b", "y"]),
        )
        .unwrap();
        assert_eq!(merged, s(&["a", "y", "x"]));
    }
}
