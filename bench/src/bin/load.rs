//! `load`: the HTTP load benchmark. Drives the users service and the
//! baseline (the same store and JSON without optimist) with the same
//! requests, one after the other in one run, and prints req/s, p50 and p99
//! for each and the ratio; and, where given the docs service, a contended
//! counter: the wiki's likes, merged three ways, against last-write-wins
//! increments on the baseline. Started by `bench/http-load.sh`.

use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

/// Load generator for optimist's users service against a baseline.
#[derive(Parser)]
struct Args {
    /// The users service (optimist).
    #[arg(long)]
    users: String,
    /// The baseline service (no optimist).
    #[arg(long)]
    baseline: String,
    /// Seconds per scenario and service.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    clients: u64,
    /// The docs service (optimist), for the counter scenario.
    #[arg(long)]
    docs: Option<String>,
}

/// What one scenario measured on one service.
struct Figures {
    landed: u64,
    per_second: f64,
    answered_per_second: f64,
    p50: Duration,
    p99: Duration,
}

#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    Get,
    GetNotModified,
    Put,
    ContendedPut,
    /// Read the count, write it plus one: the docs service's likes by a
    /// PATCH based on the version read (optimist), the baseline's name by
    /// an unconditional PUT (last-write-wins, which loses increments).
    Counter,
}

/// The document whose likes the counter scenario increments.
const COUNTED_DOC: u64 = 1;

/// One increment of the counter scenario; whether it landed.
async fn increment(client: &Client, base: &str, optimist: bool) -> bool {
    let url = if optimist {
        format!("{base}/api/docs/{COUNTED_DOC}")
    } else {
        format!("{base}/api/users/{CONTENDED_ID}")
    };
    let Ok(read) = client.get(&url).send().await else {
        return false;
    };
    let Ok(current) = read.json::<Value>().await else {
        return false;
    };
    let write = if optimist {
        let likes = current["likes"].as_u64().unwrap_or(0);
        client
            .patch(&url)
            .header("content-type", "application/merge-patch+json")
            .json(&json!({"likes": likes + 1, "version": current["version"]}))
    } else {
        let n: u64 = current["name"]
            .as_str()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        client
            .put(&url)
            .json(&json!({"name": (n + 1).to_string(), "email": current["email"]}))
    };
    write
        .send()
        .await
        .is_ok_and(|r| r.status() == StatusCode::OK)
}

/// The docs service's count of likes now.
async fn likes(client: &Client, base: &str) -> u64 {
    let doc: Value = client
        .get(format!("{base}/api/docs/{COUNTED_DOC}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    doc["likes"].as_u64().unwrap()
}

const CONTENDED_ID: u64 = 1_000_000;

/// Rounds per scenario; the median ratio is reported.
const ROUNDS: usize = 3;

/// One request of `scenario` by client `id`; returns whether it counts
/// (a refused conditional write is retried, not counted) and the tag to
/// use next.
async fn request(
    client: &Client,
    base: &str,
    scenario: Scenario,
    id: u64,
    conditional: bool,
    etag: &mut String,
    n: u32,
) -> bool {
    let target = if scenario == Scenario::ContendedPut {
        CONTENDED_ID
    } else {
        id
    };
    let url = format!("{base}/api/users/{target}");
    match scenario {
        Scenario::Counter => increment(client, base, conditional).await,
        Scenario::Get => client
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK),
        Scenario::GetNotModified => client
            .get(&url)
            .header("if-none-match", etag.as_str())
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::NOT_MODIFIED),
        Scenario::Put | Scenario::ContendedPut => {
            let body =
                json!({"name": format!("client {id}"), "email": format!("c{id}-{n}@example.org")});
            let mut put = client.put(&url).json(&body);
            if conditional {
                put = put.header("if-match", etag.as_str());
            }
            let Ok(response) = put.send().await else {
                return false;
            };
            match response.status() {
                StatusCode::OK => {
                    if let Some(tag) = response.headers().get("etag").and_then(|v| v.to_str().ok())
                    {
                        tag.clone_into(etag);
                    }
                    true
                }
                StatusCode::PRECONDITION_FAILED => {
                    // Lost the race: take the current tag and try again.
                    if let Some(tag) = response.headers().get("etag").and_then(|v| v.to_str().ok())
                    {
                        tag.clone_into(etag);
                    }
                    false
                }
                other => panic!("unexpected {other} from {url}"),
            }
        }
    }
}

async fn run(base: &str, scenario: Scenario, conditional: bool, args: &Args) -> Figures {
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let start = Instant::now();
    let tasks: Vec<_> = (1..=args.clients)
        .map(|id| {
            let (client, base) = (client.clone(), base.to_owned());
            tokio::spawn(async move {
                let target = if matches!(scenario, Scenario::ContendedPut | Scenario::Counter) {
                    CONTENDED_ID
                } else {
                    id
                };
                let first = client
                    .get(format!("{base}/api/users/{target}"))
                    .send()
                    .await
                    .unwrap();
                let mut etag = first
                    .headers()
                    .get("etag")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let mut latencies = Vec::new();
                let mut n: u32 = 0;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    n += 1;
                    if request(&client, &base, scenario, id, conditional, &mut etag, n).await {
                        latencies.push(sent.elapsed());
                    }
                }
                (latencies, n)
            })
        })
        .collect();
    let (mut latencies, mut answered) = (Vec::new(), 0);
    for task in tasks {
        let (landed, sent) = task.await.unwrap();
        latencies.extend(landed);
        answered += sent;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |per_mille: usize| {
        let index = (latencies.len() * per_mille / 1000).min(latencies.len().saturating_sub(1));
        latencies.get(index).copied().unwrap_or_default()
    };
    let count = u32::try_from(latencies.len()).map_or(f64::from(u32::MAX), f64::from);
    Figures {
        landed: latencies.len() as u64,
        per_second: count / elapsed,
        answered_per_second: f64::from(answered) / elapsed,
        p50: at(500),
        p99: at(990),
    }
}

/// Creates `body` in the collection at `url`, unless it exists.
async fn seed_one(client: &Client, url: &str, body: &Value) {
    let status = client.post(url).json(body).send().await.unwrap().status();
    assert!(
        status == StatusCode::CREATED || status == StatusCode::CONFLICT,
        "seeding {url}: {status}"
    );
}

async fn seed(client: &Client, base: &str, clients: u64) {
    for id in (1..=clients).chain([CONTENDED_ID]) {
        let user: Value = json!({"id": id, "name": format!("client {id}"), "email": format!("c{id}@example.org"), "password": "pw"});
        seed_one(client, &format!("{base}/api/users"), &user).await;
    }
}

async fn seed_doc(client: &Client, base: &str) {
    let doc =
        json!({"id": COUNTED_DOC, "title": "counted", "body": "", "accessKey": "counter-key"});
    seed_one(client, &format!("{base}/api/docs"), &doc).await;
}

fn show(figures: &Figures) -> String {
    format!(
        "{:>7.0} done/s ({:>6.0} answered/s)  p50 {:>5.2} ms  p99 {:>6.2} ms",
        figures.per_second,
        figures.answered_per_second,
        figures.p50.as_secs_f64() * 1e3,
        figures.p99.as_secs_f64() * 1e3
    )
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let client = Client::new();
    seed(&client, &args.users, args.clients).await;
    seed(&client, &args.baseline, args.clients).await;
    println!(
        "{} clients, {} s per scenario and service",
        args.clients, args.seconds
    );
    let users = args.users.as_str();
    let mut scenarios = vec![
        ("GET 200", Scenario::Get, Scenario::Get, users),
        (
            "GET 304 (baseline: GET 200)",
            Scenario::GetNotModified,
            Scenario::Get,
            users,
        ),
        (
            "PUT 200, If-Match (baseline: unconditional)",
            Scenario::Put,
            Scenario::Put,
            users,
        ),
        (
            "contended PUT, If-Match + retry (baseline: unconditional)",
            Scenario::ContendedPut,
            Scenario::ContendedPut,
            users,
        ),
    ];
    if let Some(docs) = &args.docs {
        seed_doc(&client, docs).await;
        scenarios.push((
            "contended counter: likes PATCH based on the version read, merged (baseline: last-write-wins GET + PUT)",
            Scenario::Counter,
            Scenario::Counter,
            docs,
        ));
    }
    for (name, ours, theirs, base) in scenarios {
        // Alternate the services, starting with each in turn, so warm-up
        // and drift on a shared machine weigh on both; report the round
        // with the median ratio.
        let mut rounds = Vec::new();
        for round in 0..ROUNDS {
            let before = if ours == Scenario::Counter {
                likes(&client, base).await
            } else {
                0
            };
            let (optimist, baseline) = if round % 2 == 0 {
                let b = run(&args.baseline, theirs, false, &args).await;
                (run(base, ours, true, &args).await, b)
            } else {
                let o = run(base, ours, true, &args).await;
                (o, run(&args.baseline, theirs, false, &args).await)
            };
            if ours == Scenario::Counter {
                let after = likes(&client, base).await;
                assert_eq!(
                    after - before,
                    optimist.landed,
                    "every acknowledged like counted once"
                );
                println!(
                    "  round {round}: {} likes acknowledged, {} counted",
                    optimist.landed,
                    after - before
                );
            }
            rounds.push((
                optimist.per_second / baseline.per_second,
                optimist,
                baseline,
            ));
        }
        rounds.sort_by(|a, b| a.0.total_cmp(&b.0));
        let ratios: Vec<String> = rounds.iter().map(|r| format!("{:.3}", r.0)).collect();
        let (ratio, optimist, baseline) = &rounds[rounds.len() / 2];
        println!(
            "{name}\n  optimist {}\n  baseline {}\n  ratio    {ratio:.3} (median of {})",
            show(optimist),
            show(baseline),
            ratios.join(", ")
        );
    }
}
