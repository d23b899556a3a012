//! The system metrics sampler: a background thread that reads, at a fixed rate (default
//! 10 Hz), the process's resident memory and CPU time, the system's CPU use and load, and
//! network and disk I/O, for the duration of one benchmark. Process CPU % comes from deltas of
//! accumulated CPU time (sysinfo's per-process `cpu_usage` reads 0 until a third refresh).
//! Peak RSS is exact where Linux lets the high-water mark be reset (`/proc/self/clear_refs`),
//! otherwise the largest sampled value.

use super::alloc::exclude_current_thread;
use crate::schema::{PeakSource, Point, Summary, SystemMetrics};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use sysinfo::{Networks, Pid, ProcessRefreshKind, ProcessesToUpdate, System};

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
    let Ok(mut reader) = Reader::new() else {
        return Vec::new();
    };
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

struct Reader {
    sys: System,
    networks: Option<Networks>,
    pid: Pid,
    last: Option<(Instant, u64)>,
    cpu_primed: bool,
}

impl Reader {
    fn new() -> Result<Reader, sysinfo::Error> {
        let pid = sysinfo::get_current_pid().map_err(|_| sysinfo::Error::Unsupported)?;
        Ok(Reader {
            sys: System::new()?,
            networks: Networks::new_with_refreshed_list().ok(),
            pid,
            last: None,
            cpu_primed: false,
        })
    }

    fn read(&mut self, start: Instant) -> Point {
        let now = Instant::now();
        let kind = ProcessRefreshKind::nothing()
            .with_memory()
            .with_cpu()
            .with_disk_usage();
        self.sys
            .refresh_processes_specifics(ProcessesToUpdate::Some(&[self.pid]), false, kind);
        self.sys.refresh_cpu_usage();
        let elapsed = self.last.map(|(t, _)| now.duration_since(t).as_secs_f64());
        let per_second = |bytes: u64| elapsed.filter(|&e| e > 0.0).map(|e| bytes as f64 / e);
        let process = self.sys.process(self.pid);
        let cpu_ms = process.map(|p| p.accumulated_cpu_time());
        let process_cpu_pct = match (self.last, cpu_ms, elapsed) {
            (Some((_, before)), Some(after), Some(e)) if e > 0.0 => {
                Some(after.saturating_sub(before) as f64 / 1e3 / e * 100.0)
            }
            _ => None,
        };
        let (disk_read_bps, disk_write_bps) = match process.map(|p| p.disk_usage()) {
            Some(d) => (per_second(d.read_bytes), per_second(d.written_bytes)),
            None => (None, None),
        };
        let (net_rx_bps, net_tx_bps) = match &mut self.networks {
            Some(n) => {
                n.refresh(false);
                let rx: u64 = n.values().map(|d| d.received()).sum();
                let tx: u64 = n.values().map(|d| d.transmitted()).sum();
                (per_second(rx), per_second(tx))
            }
            None => (None, None),
        };
        // The first refresh has no earlier reading to compare with.
        let system_cpu_pct = self
            .cpu_primed
            .then(|| f64::from(self.sys.global_cpu_usage()));
        self.cpu_primed = true;
        if let Some(ms) = cpu_ms {
            self.last = Some((now, ms));
        }
        Point {
            t_s: now.duration_since(start).as_secs_f64(),
            rss_bytes: process.map_or(0, |p| p.memory()),
            process_cpu_pct,
            system_cpu_pct,
            load1: System::load_average().ok().map(|l| l.one),
            net_rx_bps,
            net_tx_bps,
            disk_read_bps,
            disk_write_bps,
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
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
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
        assert_eq!(parse_vm_hwm(status), Some(1536 * 1024));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
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
