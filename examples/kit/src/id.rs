//! The ids of the example services: integers from 1 to [`MAX_ID`].

#![allow(dead_code)] // the params only describe requests to OpenAPI

use utoipa::IntoParams;

/// The largest id: 15 digits, exact in every JSON parser (JavaScript's
/// numbers are exact to 2^53).
pub const MAX_ID: u64 = 999_999_999_999_999;

/// What is wrong with `id`, if anything, as a 422's detail.
///
/// ```
/// assert_eq!(optimist_example_kit::id::problem(0), Some("`id` starts at 1"));
/// assert_eq!(optimist_example_kit::id::problem(7), None);
/// ```
#[must_use]
pub fn problem(id: u64) -> Option<&'static str> {
    if id == 0 {
        Some("`id` starts at 1")
    } else if id > MAX_ID {
        Some("`id` is at most 999999999999999")
    } else {
        None
    }
}

/// A page of a collection: `?limit=&after=` (optimist's `PageRequest`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many resources, from 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The id of the last resource of the page before; absent: the first
    /// page. The `Link` header of each page names the next. Any integer
    /// is a cursor: one that names no resource starts after it (or, in a
    /// store in creation order, gives an empty page).
    #[param(value_type = Option<String>, pattern = "^0*[0-9]{1,19}$")]
    after: Option<u64>,
}

/// The id in a resource's path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdParam {
    /// The resource's id, from 1 to 999999999999999.
    #[param(value_type = String, pattern = "^0*[1-9][0-9]{0,14}$")]
    id: u64,
}
