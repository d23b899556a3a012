//! A reference with no harness at all: a workload runs in plain `Instant`-timed chunks of
//! back-to-back calls, and the median time per call over the chunks is printed. Nothing is
//! subtracted (the loop's own cost is included). Used by ci/accuracy.py as a sanity check on the
//! three tools, with short chunks (which mostly fall between the machine's interruptions) and with
//! long ones (which include them, as any long loop does).
//!
//! Usage: `hand_timed WORKLOAD [CHUNK_US [CHUNKS]]`, WORKLOAD one of `empty`, `cpu_50ns`,
//! `cpu_20us`; chunks last about CHUNK_US microseconds (default 1000), CHUNKS of them (default
//! 301). Prints one line: `WORKLOAD median_ns min_ns chunks iters_per_chunk`.
use std::hint::black_box;
use std::time::{Duration, Instant};

const WARMUP: Duration = Duration::from_millis(200);

fn chunk(workload: &str, n: u64) -> Duration {
    let start = Instant::now();
    match workload {
        "empty" => {
            for _ in 0..n {
                black_box((|| {})());
            }
        }
        "cpu_50ns" => {
            for _ in 0..n {
                black_box(peers::mix(black_box(&peers::SHORT)));
            }
        }
        "cpu_20us" => {
            for _ in 0..n {
                black_box(peers::mix(black_box(&peers::LONG)));
            }
        }
        other => {
            eprintln!("unknown workload {other:?}");
            std::process::exit(2);
        }
    }
    start.elapsed()
}

fn arg<T: std::str::FromStr>(index: usize, default: T) -> T {
    match std::env::args().nth(index) {
        None => default,
        Some(text) => text.parse().unwrap_or_else(|_| {
            eprintln!("bad argument {text:?}");
            std::process::exit(2);
        }),
    }
}

fn main() {
    let workload: String = arg(1, String::new());
    let target = Duration::from_micros(arg(2, 1000u64).max(1));
    let chunks: usize = arg(3, 301usize).max(1);

    // Warm up for WARMUP, doubling the chunk until it lasts 10 ms (or the target, if shorter),
    // then size the chunks from the time per call seen last.
    let started = Instant::now();
    let probe_target = target.min(Duration::from_millis(10));
    let (mut n, mut last) = (1u64, chunk(&workload, 1));
    while started.elapsed() < WARMUP || last < probe_target {
        if last < probe_target {
            n *= 2;
        }
        last = chunk(&workload, n);
    }
    let per_call = last.as_nanos() as f64 / n as f64;
    let n = ((target.as_nanos() as f64 / per_call.max(1e-3)).round() as u64).max(1);

    let mut per_call: Vec<f64> = (0..chunks)
        .map(|_| chunk(&workload, n).as_nanos() as f64 / n as f64)
        .collect();
    per_call.sort_by(f64::total_cmp);
    println!(
        "{workload} {} {} {chunks} {n}",
        per_call[chunks / 2],
        per_call[0]
    );
}
