//! The system metrics sampler: a background thread that reads, at a fixed rate (default
//! 10 Hz), the process's resident memory and CPU time, the system's CPU use and load, and
//! network and disk I/O, for the duration of one benchmark, from `/proc` (see
//! [`procfs`](super::procfs)). Rates are the change between two readings, so the first point
//! of a series has none.
//! Peak RSS is exact where Linux lets the high-water mark be reset (`/proc/self/clear_refs`),
//! otherwise the largest sampled value.

use super::alloc::exclude_current_thread;
use super::procfs;
use crate::schema::{PeakSource, Point, Summary, SystemMetrics};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A running sampler; [`Sampler::stop`] ends it.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Vec<Point>>,
    interval: Duration,
    exact_peak: bool,
}

impl Sampler {
    /// Starts sampling every `interval` on a background thread.
    pub fn start(interval: Duration) -> Sampler {
        let exact_peak = reset_peak_rss();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("qudag-bench-metrics".into())
            .spawn(move || {
                exclude_current_thread();
                run(interval, &flag)
            })
            .expect("spawning the metrics thread");
        Sampler {
            stop,
            handle,
            interval,
            exact_peak,
        }
    }

    /// Stops sampling and summarises.
    pub fn stop(self) -> SystemMetrics {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.thread().unpark();
        let series = self.handle.join().unwrap_or_default();
        let hwm = if self.exact_peak {
            peak_rss_bytes()
        } else {
            None
        };
        SystemMetrics {
            interval_s: self.interval.as_secs_f64(),
            summary: summarize(&series, hwm),
            series,
        }
    }
}

fn run(interval: Duration, stop: &AtomicBool) -> Vec<Point> {
    let mut reader = Reader::new();
    let start = Instant::now();
    let mut series = vec![reader.read(start)];
    let mut next = start + interval;
    loop {
        let now = Instant::now();
        if next > now {
            std::thread::park_timeout(next - now);
        }
        let done = stop.load(Ordering::Relaxed);
        series.push(reader.read(start));
        if done {
            return series;
        }
        next += interval;
    }
}

/// One reading of the counters the rates are computed from.
#[derive(Clone, Copy)]
struct Counters {
    at: Instant,
    process_cpu_ticks: Option<u64>,
    system_cpu: Option<(u64, u64)>,
    io: Option<(u64, u64)>,
    net: Option<(u64, u64)>,
}

impl Counters {
    fn read() -> Counters {
        let stat = |path| procfs::read(path).ok();
        Counters {
            at: Instant::now(),
            process_cpu_ticks: stat("/proc/self/stat").and_then(|t| procfs::process_cpu_ticks(&t)),
            system_cpu: stat("/proc/stat").and_then(|t| procfs::cpu_times(&t)),
            io: stat("/proc/self/io").and_then(|t| procfs::process_io(&t)),
            net: stat("/proc/net/dev").and_then(|t| procfs::network_bytes(&t)),
        }
    }
}

/// Reads one point at a time; rates are the change since the previous point.
struct Reader {
    page_size: u64,
    ticks_per_second: u64,
    last: Option<Counters>,
}

impl Reader {
    fn new() -> Reader {
        let (page_size, ticks_per_second) = procfs::page_size_and_ticks();
        Reader {
            page_size,
            ticks_per_second,
            last: None,
        }
    }

    fn read(&mut self, start: Instant) -> Point {
        let now = Counters::read();
        let rss_pages = procfs::read("/proc/self/statm")
            .ok()
            .and_then(|t| procfs::resident_pages(&t));
        let load1 = procfs::read("/proc/loadavg")
            .ok()
            .and_then(|t| procfs::load1(&t));
        let before = self.last.replace(now);
        let elapsed = before.map(|b| now.at.duration_since(b.at).as_secs_f64());
        let rate = |pick: fn(&Counters) -> Option<u64>| {
            let (from, to, secs) = (pick(&before?)?, pick(&now)?, elapsed.filter(|&e| e > 0.0)?);
            Some(to.saturating_sub(from) as f64 / secs)
        };
        let cpu_seconds = rate(|c| c.process_cpu_ticks).map(|t| t / self.ticks_per_second as f64);
        let system_cpu_pct = match (before.and_then(|b| b.system_cpu), now.system_cpu) {
            (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => {
                Some(busy1.saturating_sub(busy0) as f64 / (total1 - total0) as f64 * 100.0)
            }
            _ => None,
        };
        Point {
            t_s: now.at.duration_since(start).as_secs_f64(),
            rss_bytes: rss_pages.map_or(0, |p| p * self.page_size),
            process_cpu_pct: cpu_seconds.map(|s| s * 100.0),
            system_cpu_pct,
            load1,
            net_rx_bps: rate(|c| Some(c.net?.0)),
            net_tx_bps: rate(|c| Some(c.net?.1)),
            disk_read_bps: rate(|c| Some(c.io?.0)),
            disk_write_bps: rate(|c| Some(c.io?.1)),
        }
    }
}

/// Summarises `series`; `hwm` is the kernel's peak RSS since the reset, if known.
pub fn summarize(series: &[Point], hwm: Option<u64>) -> Summary {
    let sampled_peak = series.iter().map(|p| p.rss_bytes).max().unwrap_or(0);
    let mean = |f: fn(&Point) -> Option<f64>| {
        let values: Vec<f64> = series.iter().filter_map(f).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let (peak_rss_bytes, peak_rss_source) = match hwm {
        Some(h) => (h.max(sampled_peak), PeakSource::VmHwm),
        None => (sampled_peak, PeakSource::Sampled),
    };
    Summary {
        peak_rss_bytes,
        peak_rss_source,
        mean_process_cpu_pct: mean(|p| p.process_cpu_pct),
        mean_system_cpu_pct: mean(|p| p.system_cpu_pct),
        max_load1: series.iter().filter_map(|p| p.load1).reduce(f64::max),
        mean_net_rx_bps: mean(|p| p.net_rx_bps),
        mean_net_tx_bps: mean(|p| p.net_tx_bps),
        mean_disk_read_bps: mean(|p| p.disk_read_bps),
        mean_disk_write_bps: mean(|p| p.disk_write_bps),
    }
}

/// Resets the kernel's peak-RSS mark for this process (Linux 4.0+); false if not possible.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok() && peak_rss_bytes().is_some()
}

/// `VmHWM` from `/proc/self/status`, in bytes.
fn peak_rss_bytes() -> Option<u64> {
    let status = procfs::read("/proc/self/status").ok()?;
    procfs::kib_field(&status, "VmHWM:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: f64, rss: u64, cpu: Option<f64>) -> Point {
        Point {
            t_s: t,
            rss_bytes: rss,
            process_cpu_pct: cpu,
            system_cpu_pct: cpu.map(|c| c / 2.0),
            load1: Some(t),
            net_rx_bps: None,
            net_tx_bps: None,
            disk_read_bps: Some(10.0),
            disk_write_bps: Some(0.0),
        }
    }

    #[test]
    fn summary_of_a_series() {
        let series = [
            point(0.0, 100, None),
            point(0.1, 300, Some(90.0)),
            point(0.2, 200, Some(110.0)),
        ];
        let s = summarize(&series, None);
        assert_eq!(
            (s.peak_rss_bytes, s.peak_rss_source),
            (300, PeakSource::Sampled)
        );
        assert_eq!(s.mean_process_cpu_pct, Some(100.0));
        assert_eq!(s.mean_system_cpu_pct, Some(50.0));
        assert_eq!(s.max_load1, Some(0.2));
        assert_eq!(s.mean_net_rx_bps, None);
        assert_eq!(s.mean_disk_read_bps, Some(10.0));
        let s = summarize(&series, Some(1_000));
        assert_eq!(
            (s.peak_rss_bytes, s.peak_rss_source),
            (1_000, PeakSource::VmHwm)
        );
    }

    #[test]
    fn parses_vm_hwm() {
        let status = "Name:\tx\nVmPeak:\t  2000 kB\nVmHWM:\t    1536 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(procfs::kib_field(status, "VmHWM:"), Some(1536 * 1024));
        assert_eq!(procfs::kib_field("Name: x\n", "VmHWM:"), None);
    }

    #[test]
    fn a_real_sampler_sees_memory_held_while_it_runs() {
        let sampler = Sampler::start(Duration::from_millis(10));
        let block = vec![1u8; 64 << 20];
        std::thread::sleep(Duration::from_millis(50));
        let m = sampler.stop();
        drop(block);
        assert!(m.series.len() >= 2, "{m:?}");
        assert!(
            m.summary.peak_rss_bytes >= 64 << 20,
            "peak {}",
            m.summary.peak_rss_bytes
        );
    }
}
