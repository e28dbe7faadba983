//! The client side (feature `reqwest`): read, change, write conditionally,
//! and on 409 or 412 read again and retry with bounded exponential
//! backoff — the counterpart of Kubernetes' `RetryOnConflict`.

use core::fmt;
use std::time::Duration;

use reqwest::header::{ETAG, IF_MATCH};

use crate::http::IDEMPOTENCY_KEY;
use reqwest::{Client, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::Problem;

/// How often and how patiently to retry.
///
/// ```
/// use std::time::Duration;
/// let retry = optimist::client::Retry::default().attempts(20).backoff(Duration::from_millis(2), Duration::from_millis(200));
/// # let _ = retry;
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    attempts: u32,
    first: Duration,
    max: Duration,
    via: Via,
}

/// Which precondition a write carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `If-Match` with the `ETag` read (the default).
    IfMatch,
    /// No header: the representation is written back with the version it
    /// was read at, which the server checks. Use it for non-idempotent
    /// changes (counters) against a service that answers a false
    /// `If-Match` with 2xx when the state already equals the request (RFC
    /// 9110 §13.1.1): such a 2xx cannot be told from one's own write, but
    /// a stale body version is always 409.
    BodyVersion,
}

impl Default for Retry {
    /// 10 attempts, backoff from 10 ms doubling to 1 s, with jitter,
    /// `If-Match`.
    fn default() -> Self {
        Retry {
            attempts: 10,
            first: Duration::from_millis(10),
            max: Duration::from_secs(1),
            via: Via::IfMatch,
        }
    }
}

impl Retry {
    /// Which precondition each write carries.
    #[must_use]
    pub fn via(mut self, via: Via) -> Self {
        self.via = via;
        self
    }

    /// The most writes to try (at least 1).
    #[must_use]
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The first backoff, doubled after each refusal up to `max`.
    #[must_use]
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first = first;
        self.max = max.max(first);
        self
    }

    /// The pause before attempt `n` (from 1): up to the doubled backoff,
    /// drawn at random so that contending clients spread out.
    fn pause(&self, n: u32) -> Duration {
        let ceiling = self.first.saturating_mul(1 << n.min(16)).min(self.max);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Why [`update`] gave up.
#[derive(Debug)]
pub enum ClientError {
    /// Every attempt was refused with 409 or 412; the last refusal.
    Exhausted {
        /// How many writes were tried.
        attempts: u32,
        /// The last problem body.
        last: Problem,
    },
    /// Another status than 2xx, 409 or 412 (the problem, if one was sent).
    Status {
        /// The status.
        status: StatusCode,
        /// The problem body, if the answer had one.
        problem: Option<Problem>,
    },
    /// A write whose answer was lost was sent again and refused (409 or
    /// 412): whether the lost one took effect is unknown, so the change
    /// was not applied again. Read the resource to find out.
    Unconfirmed {
        /// The refusal of the resend.
        problem: Problem,
    },
    /// The request could not be sent or its answer read.
    Transport(reqwest::Error),
    /// A body that is not the JSON expected.
    Json(serde_json::Error),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Exhausted { attempts, last } => {
                write!(
                    f,
                    "gave up after {attempts} refused writes: {}",
                    last.detail
                )
            }
            ClientError::Status { status, problem } => {
                write!(
                    f,
                    "{status}: {}",
                    problem.as_ref().map_or("", |p| p.detail.as_str())
                )
            }
            ClientError::Unconfirmed { problem } => write!(
                f,
                "a write whose answer was lost was refused when sent again ({}): it may have taken effect",
                problem.detail
            ),
            ClientError::Transport(e) => write!(f, "transport: {e}"),
            ClientError::Json(e) => write!(f, "unexpected body: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<reqwest::Error> for ClientError {
    fn from(e: reqwest::Error) -> Self {
        ClientError::Transport(e)
    }
}

fn etag_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn problem_of(response: reqwest::Response) -> Option<Problem> {
    response.json().await.ok()
}

/// A fresh `Idempotency-Key`: 128 random bits, as an RFC 8941 string.
fn fresh_key() -> String {
    format!("\"{:032x}\"", fastrand::u128(..))
}

/// Sends `request`, and sends it again (the same request, with its key)
/// where no answer came back or the service was unavailable (503, which
/// writes nothing), as often as `retry` allows: a write whose answer was
/// lost is answered from its receipt the second time, never made twice.
/// The answer, and whether an earlier send may have taken effect unseen.
async fn send_until_answered(
    client: &Client,
    request: reqwest::Request,
    retry: &Retry,
) -> Result<(reqwest::Response, bool), ClientError> {
    let (mut attempt, mut unseen) = (1, false);
    loop {
        let Some(copy) = request.try_clone() else {
            return Ok((client.execute(request).await?, false));
        };
        let last = attempt >= retry.attempts;
        match client.execute(copy).await {
            Ok(answer) if last || answer.status() != StatusCode::SERVICE_UNAVAILABLE => {
                return Ok((answer, unseen));
            }
            Err(e) if last => return Err(e.into()),
            Err(_) => unseen = true,
            Ok(_) => {}
        }
        tokio::time::sleep(retry.pause(attempt)).await;
        attempt += 1;
    }
}

/// Reads `url`, applies `change`, and writes the result back with PUT,
/// conditional on what was read ([`Via`]); on 409 or 412 waits, reads
/// again and retries, as `retry` allows. Returns the written
/// representation. A change that leaves the resource as it is writes
/// nothing.
///
/// Each write carries a fresh `Idempotency-Key`, and a write whose answer
/// is lost (no response, or 503) is sent again with the same key: against
/// a service that keeps keys, the second send gets the first one's answer
/// and nothing is written twice. Against one that ignores them, a resend
/// is decided by its precondition; where that refuses it, the lost write
/// may have taken effect, and `update` stops with
/// [`ClientError::Unconfirmed`] rather than apply the change twice.
///
/// ```no_run
/// # async fn demo() -> Result<(), optimist::client::ClientError> {
/// #[derive(serde::Serialize, serde::Deserialize, Clone, PartialEq)]
/// struct Counter { id: u64, name: String, email: String, version: u64 }
///
/// let client = reqwest::Client::new();
/// // A counter is not idempotent: write it back with the version read.
/// let retry = optimist::client::Retry::default().via(optimist::client::Via::BodyVersion);
/// let after: Counter = optimist::client::update(&client, "http://127.0.0.1:3000/api/users/1", &retry, |mut c: Counter| {
///     c.name = (c.name.parse::<u64>().unwrap_or(0) + 1).to_string();
///     c
/// })
/// .await?;
/// # let _ = after; Ok(()) }
/// ```
pub async fn update<T, F>(
    client: &Client,
    url: &str,
    retry: &Retry,
    mut change: F,
) -> Result<T, ClientError>
where
    T: Serialize + DeserializeOwned,
    F: FnMut(T) -> T,
{
    let mut last = None;
    for attempt in 1..=retry.attempts {
        let read = client.get(url).send().await?;
        if !read.status().is_success() {
            let status = read.status();
            return Err(ClientError::Status {
                status,
                problem: problem_of(read).await,
            });
        }
        let etag = etag_of(&read);
        let current: Value = read.json().await?;
        let before: T = serde_json::from_value(current.clone()).map_err(ClientError::Json)?;
        let wanted = change(before);
        let body = serde_json::to_value(&wanted).map_err(ClientError::Json)?;
        if body == current {
            return Ok(wanted);
        }
        let mut put = client
            .put(url)
            .json(&body)
            .header(IDEMPOTENCY_KEY, fresh_key());
        if let (Via::IfMatch, Some(tag)) = (retry.via, &etag) {
            put = put.header(IF_MATCH, tag);
        }
        let (written, unseen) = send_until_answered(client, put.build()?, retry).await?;
        match written.status() {
            status if status.is_success() => {
                return written.json().await.map_err(ClientError::Transport);
            }
            StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED if unseen => {
                // The lost send may have taken effect: a service that keeps
                // keys would have replayed it, one that ignores them did not
                // say. Applying the change again could make it twice.
                return Err(ClientError::Unconfirmed {
                    problem: problem_of(written).await.unwrap_or_default(),
                });
            }
            StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED => {
                last = problem_of(written).await;
            }
            status => {
                return Err(ClientError::Status {
                    status,
                    problem: problem_of(written).await,
                });
            }
        }
        if attempt < retry.attempts {
            tokio::time::sleep(retry.pause(attempt)).await;
        }
    }
    Err(ClientError::Exhausted {
        attempts: retry.attempts,
        last: last.unwrap_or_default(),
    })
}
