//! The parsers on text as the kernel writes it (samples from a 2-core x86-64 guest, trimmed),
//! and the readers on this machine's own files.

use super::*;

const CPUINFO: &str = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n\
physical id\t: 0\ncore id\t\t: 0\ncpu cores\t: 2\n\n\
processor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n\
physical id\t: 0\ncore id\t\t: 1\ncpu cores\t: 2\n\n\
processor\t: 2\nmodel name\t: AMD EPYC\nphysical id\t: 0\ncore id\t\t: 1\n\n";

#[test]
fn cpuinfo_gives_the_model_and_counts_hyperthreads_once() {
    // Processors 1 and 2 are two threads of core 1.
    assert_eq!(cpuinfo(CPUINFO), (Some("AMD EPYC".to_string()), Some(2)));
}

#[test]
fn cpuinfo_without_topology_counts_processors() {
    let arm = "processor\t: 0\nBogoMIPS\t: 48.00\nCPU part\t: 0xd08\n\n\
               processor\t: 1\nBogoMIPS\t: 48.00\n\n";
    assert_eq!(cpuinfo(arm), (None, Some(2)));
    assert_eq!(cpuinfo(""), (None, None));
}

const STAT: &str = "cpu  2158518 28501 352475 4462228 12190 0 2632 9068 100 0\n\
cpu0 1061906 14771 169182 2258653 3916 0 155 4371 0 0\n\
cpu1 1096612 13730 183293 2203574 8273 0 2477 4697 0 0\n\
intr 14339897 0 0\nctxt 99\n";

#[test]
fn stat_counts_cpus_and_splits_busy_from_idle() {
    assert_eq!(logical_cpus(STAT), Some(2));
    assert_eq!(logical_cpus("intr 1\n"), None);
    // total = user..steal (guest, 100, is inside user); idle = idle + iowait.
    let total = 2158518 + 28501 + 352475 + 4462228 + 12190 + 2632 + 9068;
    let idle = 4462228 + 12190;
    assert_eq!(cpu_times(STAT), Some((total - idle, total)));
}

#[test]
fn process_stat_reads_past_a_name_with_spaces_and_parentheses() {
    let stat = "7716 (a (b) c) R 7712 7712 29995 0 -1 4194304 104 0 0 0 25 7 0 0 20 0 1 0 \
                3521243 3133440 412 18446744073709551615";
    assert_eq!(process_cpu_ticks(stat), Some(32));
    assert_eq!(process_cpu_ticks("7716 (cat"), None);
}

#[test]
fn statm_io_loadavg_and_meminfo() {
    assert_eq!(resident_pages("765 435 406 5 0 123 0\n"), Some(435));
    let io = "rchar: 6976\nwchar: 0\nread_bytes: 4096\nwrite_bytes: 8192\n";
    assert_eq!(process_io(io), Some((4096, 8192)));
    assert_eq!(process_io("rchar: 1\n"), None);
    assert_eq!(load1("1.16 1.14 1.22 3/99 7720\n"), Some(1.16));
    let meminfo = "MemTotal:       24590776 kB\nMemFree:        1 kB\n";
    assert_eq!(kib_field(meminfo, "MemTotal:"), Some(24590776 * 1024));
    assert_eq!(kib_field(meminfo, "SwapTotal:"), None);
}

#[test]
fn net_dev_sums_every_interface() {
    let dev = "Inter-|   Receive                                                |  Transmit\n \
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n\
    lo: 2701405   16606    0    0    0     0          0         0  2701405   16606    0    0    0     0       0          0\n\
  eth0: 555627743   25217    0    0    0     0          0         0  1509112   17107    0    0    0     0       0          0\n";
    assert_eq!(
        network_bytes(dev),
        Some((2701405 + 555627743, 2701405 + 1509112))
    );
    assert_eq!(network_bytes("Inter-|\n face |\n"), None);
}

#[test]
fn os_name_from_os_release() {
    let debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n\
                  VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n";
    assert_eq!(os_name(Some(debian)), "Linux (Debian GNU/Linux 12)");
    assert_eq!(os_name(Some("NAME=Arch Linux\n")), "Linux (Arch Linux)");
    assert_eq!(os_name(None), "Linux");
}

#[test]
fn this_machine_answers() {
    let (host, release) = uname().unwrap();
    assert!(!host.is_empty() && !release.is_empty());
    assert!(logical_cpus(&read("/proc/stat").unwrap()).is_some());
    assert!(process_cpu_ticks(&read("/proc/self/stat").unwrap()).is_some());
    assert!(resident_pages(&read("/proc/self/statm").unwrap()).is_some_and(|p| p > 0));
    let (page, ticks) = page_size_and_ticks();
    assert!(page >= 4096 && ticks > 0);
    let err = read("/proc/no-such-file").unwrap_err();
    let kind = std::io::ErrorKind::NotFound;
    assert_eq!(
        err,
        Missing::Unreadable {
            path: "/proc/no-such-file",
            kind
        }
    );
    assert!(
        err.to_string()
            .starts_with("cannot read /proc/no-such-file: "),
        "{err}"
    );
}
