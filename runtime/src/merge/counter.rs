//! Counters: the request's change from the base, added to the current
//! value.

use serde::Serialize;
use serde_json::Value;

/// An integer type a `#[versioned(counter)]` field may have.
///
/// ```
/// use optimist::merge::Counter;
/// assert_eq!(7u8.to_wide(), Some(7));
/// assert_eq!(u8::from_wide(300), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[versioned(counter)]` needs an integer field, not `{Self}`",
    label = "not an integer type",
    note = "a counter adds each request's change to the current value: give the field an integer type, or remove `counter`"
)]
pub trait Counter: Copy + Serialize {
    /// The value as an `i128`, where it fits.
    fn to_wide(self) -> Option<i128>;
    /// The value of this type equal to `wide`, where there is one.
    fn from_wide(wide: i128) -> Option<Self>;
}

macro_rules! counters {
    ($($ty:ty),*) => {$(
        impl Counter for $ty {
            fn to_wide(self) -> Option<i128> {
                i128::try_from(self).ok()
            }

            fn from_wide(wide: i128) -> Option<Self> {
                <$ty>::try_from(wide).ok()
            }
        }
    )*};
}
counters!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

/// A counter's base value as kept in the history.
fn wide(value: &Value) -> Option<i128> {
    let number = value.as_number()?;
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

/// `current + (yours - base)`, within the bounds and the type.
///
/// # Errors
/// Why the sum cannot be stored: outside a bound, or the type.
pub(crate) fn merge_counter<C: Counter>(
    base: &Value,
    yours: C,
    current: C,
    (min, max): (Option<i128>, Option<i128>),
) -> Result<C, String> {
    let (Some(base), Some(yours), Some(current)) = (wide(base), yours.to_wide(), current.to_wide())
    else {
        return Err("the values are not integers this server can add".to_owned());
    };
    let sum = yours
        .checked_sub(base)
        .and_then(|change| current.checked_add(change))
        .ok_or_else(|| "the sum overflows".to_owned())?;
    if let Some(min) = min.filter(|min| sum < *min) {
        return Err(format!(
            "your change of {} would make it {sum}, below the minimum {min}",
            yours - base
        ));
    }
    if let Some(max) = max.filter(|max| sum > *max) {
        return Err(format!(
            "your change of {} would make it {sum}, above the maximum {max}",
            yours - base
        ));
    }
    C::from_wide(sum).ok_or_else(|| format!("{sum} does not fit the field's type"))
}

#[cfg(test)]
mod tests {
    use super::merge_counter;
    use serde_json::json;

    #[test]
    fn both_increments_count_and_bounds_hold() {
        assert_eq!(merge_counter(&json!(5), 6u32, 7u32, (None, None)), Ok(8));
        assert_eq!(merge_counter(&json!(5), 3i64, 7i64, (None, None)), Ok(5));
        let floor = (Some(0), None);
        let refused = merge_counter(&json!(1), 0u32, 0u32, floor).unwrap_err();
        assert_eq!(
            refused,
            "your change of -1 would make it -1, below the minimum 0"
        );
        assert!(merge_counter(&json!(0), 255u8, 1u8, (None, None)).is_err());
    }
}
