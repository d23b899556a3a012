//! How often this machine interrupts a running thread: reads the clock back to back for a few
//! seconds and counts the gaps between consecutive reads longer than 500 ns (a read takes about
//! 20 ns). Used by ci/accuracy.py to describe the machine next to the results.
//!
//! Usage: `interruptions [SECONDS]` (default 2). Prints one line:
//! `gaps_per_s lost_percent median_gap_us p90_gap_us max_gap_us`.
use std::time::{Duration, Instant};

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("SECONDS must be a number"))
        .unwrap_or(2.0);
    let run = Duration::from_secs_f64(seconds);
    let threshold = Duration::from_nanos(500);
    let start = Instant::now();
    let mut last = start;
    let mut gaps: Vec<f64> = Vec::new();
    loop {
        let now = Instant::now();
        let gap = now - last;
        if gap > threshold {
            gaps.push(gap.as_nanos() as f64 / 1e3);
        }
        last = now;
        if now - start > run {
            break;
        }
    }
    let elapsed_us = (last - start).as_nanos() as f64 / 1e3;
    let lost: f64 = gaps.iter().sum();
    gaps.sort_by(f64::total_cmp);
    let pick = |q: f64| {
        if gaps.is_empty() {
            0.0
        } else {
            gaps[((gaps.len() - 1) as f64 * q) as usize]
        }
    };
    println!(
        "{:.0} {:.3} {:.2} {:.2} {:.1}",
        gaps.len() as f64 / (elapsed_us / 1e6),
        lost / elapsed_us * 100.0,
        pick(0.5),
        pick(0.9),
        pick(1.0)
    );
}
