//! Facts about the machine that make timings less stable: CPU frequency scaling (governor,
//! turbo, range), load, virtualisation and steal time, and unoptimised builds. Read from
//! Linux's /proc and /sys; each fact that cannot be read is `null` with the reason. The
//! harness prints the warnings once at start and stores everything in the report.

use crate::schema::Stability;
use std::path::Path;

/// Reads the facts for a run of a bench target built with `opt_level` and
/// `debug_assertions`, on a machine with `cores` logical CPUs.
pub fn collect(opt_level: &str, debug_assertions: bool, cores: usize) -> Stability {
    let mut s = Stability {
        debug_build: debug_assertions || opt_level == "0",
        ..Stability::default()
    };
    let cpufreq = Path::new("/sys/devices/system/cpu");
    let governors: Vec<String> = (0..cores)
        .filter_map(|i| read(&cpufreq.join(format!("cpu{i}/cpufreq/scaling_governor"))))
        .collect();
    if governors.is_empty() {
        s.unavailable.insert(
            "governor".into(),
            "no cpufreq in /sys (usual in virtual machines)".into(),
        );
    } else {
        let mut distinct = governors.clone();
        distinct.sort();
        distinct.dedup();
        s.governor = Some(distinct.join(","));
    }
    s.turbo = turbo(
        read(&cpufreq.join("intel_pstate/no_turbo")).as_deref(),
        read(&cpufreq.join("cpufreq/boost")).as_deref(),
    );
    if s.turbo.is_none() {
        s.unavailable.insert(
            "turbo".into(),
            "neither intel_pstate/no_turbo nor cpufreq/boost exists".into(),
        );
    }
    let khz = |name: &str| {
        read(&cpufreq.join(format!("cpu0/cpufreq/{name}"))).and_then(|v| v.parse::<f64>().ok())
    };
    s.freq_min_mhz = khz("cpuinfo_min_freq").map(|k| k / 1e3);
    s.freq_max_mhz = khz("cpuinfo_max_freq").map(|k| k / 1e3);
    if s.freq_max_mhz.is_none() {
        s.unavailable
            .insert("freq_range".into(), "no cpufreq in /sys".into());
    }
    s.load1 = read(Path::new("/proc/loadavg")).and_then(|l| load1(&l));
    s.virtualized = read(Path::new("/proc/cpuinfo")).map(|c| virtualized(&c));
    s.steal_pct_since_boot = read(Path::new("/proc/stat")).and_then(|st| steal_pct(&st));
    for (field, value) in [
        ("load1", s.load1.is_none()),
        ("virtualized", s.virtualized.is_none()),
        ("steal_pct_since_boot", s.steal_pct_since_boot.is_none()),
    ] {
        if value {
            s.unavailable
                .insert(field.into(), "not readable from /proc".into());
        }
    }
    s.warnings = warnings(&s, cores);
    s
}

/// The warnings for `s` on `cores` CPUs.
pub fn warnings(s: &Stability, cores: usize) -> Vec<String> {
    let mut w = Vec::new();
    if s.debug_build {
        w.push(
            "the bench target is built without optimisations or with debug assertions: timings \
                do not reflect release builds"
                .into(),
        );
    }
    if let Some(g) = &s.governor
        && g != "performance"
    {
        w.push(format!("CPU frequency governor is `{g}`, not `performance`: clock speed may change during the run"));
    }
    if s.turbo == Some(true) {
        w.push("turbo/boost is on: clock speed depends on temperature and load".into());
    }
    if let Some(l) = s.load1
        && l >= 0.75 * cores as f64
    {
        w.push(format!(
            "1-minute load average {l:.2} on {cores} CPUs: other work (or a build that just \
             ended) may disturb the measurements"
        ));
    }
    if let Some(steal) = s.steal_pct_since_boot
        && steal >= 1.0
    {
        w.push(format!(
            "the hypervisor has taken {steal:.1}% of this machine's CPU time since boot (steal)"
        ));
    }
    w
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
}

/// Turbo from `intel_pstate/no_turbo` (`0` means on) or `cpufreq/boost` (`1` means on).
pub fn turbo(no_turbo: Option<&str>, boost: Option<&str>) -> Option<bool> {
    match (no_turbo, boost) {
        (Some(n), _) => Some(n.trim() == "0"),
        (None, Some(b)) => Some(b.trim() == "1"),
        _ => None,
    }
}

/// The one-minute load from `/proc/loadavg`.
pub fn load1(loadavg: &str) -> Option<f64> {
    loadavg.split_whitespace().next()?.parse().ok()
}

/// Whether `/proc/cpuinfo` has the `hypervisor` CPU flag.
pub fn virtualized(cpuinfo: &str) -> bool {
    cpuinfo
        .lines()
        .filter(|l| l.starts_with("flags"))
        .any(|l| l.split_whitespace().any(|f| f == "hypervisor"))
}

/// Steal time as a share of all CPU time since boot, from the `cpu` line of `/proc/stat`
/// (user nice system idle iowait irq softirq steal ...).
pub fn steal_pct(stat: &str) -> Option<f64> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    let steal = *fields.get(7)?;
    // guest and guest_nice (fields 8, 9) are already counted in user and nice.
    let total: u64 = fields.iter().take(8).sum();
    (total > 0).then(|| 100.0 * steal as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_files() {
        assert_eq!(load1("1.76 1.95 1.74 1/80 20072"), Some(1.76));
        assert!(virtualized(
            "processor: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n"
        ));
        assert!(!virtualized("flags\t\t: fpu vme lahf_lm\n"));
        // 1000 ticks in all, 10 stolen: 1%.
        let stat = "cpu  500 0 200 280 0 0 10 10 7 0\ncpu0 1 2 3 4 5 6 7 8 9 0\n";
        assert_eq!(steal_pct(stat), Some(1.0));
        assert_eq!(steal_pct("intr 1 2 3\n"), None);
        assert_eq!(turbo(Some("0"), None), Some(true));
        assert_eq!(turbo(Some("1"), Some("1")), Some(false));
        assert_eq!(turbo(None, Some("1")), Some(true));
        assert_eq!(turbo(None, None), None);
    }

    #[test]
    fn warns_on_unstable_settings_only() {
        let calm = Stability {
            governor: Some("performance".into()),
            turbo: Some(false),
            load1: Some(0.1),
            steal_pct_since_boot: Some(0.1),
            ..Stability::default()
        };
        assert!(warnings(&calm, 2).is_empty());
        let noisy = Stability {
            governor: Some("powersave".into()),
            turbo: Some(true),
            load1: Some(1.6),
            steal_pct_since_boot: Some(3.0),
            debug_build: true,
            ..Stability::default()
        };
        let w = warnings(&noisy, 2);
        assert_eq!(w.len(), 5, "{w:?}");
        assert!(w[0].contains("without optimisations"));
        assert!(w.iter().any(|x| x.contains("powersave")));
    }
}
