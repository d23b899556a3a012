use super::*;
use crate::registry::{BenchEntry, BenchFn, ResourceLimits, collect};

const fn entry(name: &'static str, options: AttrOptions) -> BenchEntry {
    BenchEntry {
        name,
        module_path: "target",
        file: "benches/target.rs",
        line: 1,
        suite: Some("cpu"),
        tags: &[],
        options,
        threads: &[],
        bench: BenchFn::Single(|_| {}),
    }
}

static ENTRIES: [BenchEntry; 2] = [
    entry(
        "plain",
        AttrOptions {
            samples: None,
            warmup_time: None,
            measure_time: None,
            timeout: None,
            precision: None,
            ignore: false,
            isolate: false,
            limits: ResourceLimits::NONE,
            network: None,
            requires: &[],
        },
    ),
    entry(
        "guarded",
        AttrOptions {
            samples: None,
            warmup_time: None,
            measure_time: None,
            timeout: Some(0.5),
            precision: Some(2.0),
            ignore: false,
            isolate: false,
            limits: ResourceLimits::NONE,
            network: None,
            requires: &[],
        },
    ),
];

fn resolver(toml: &str, overrides: Layer) -> Resolver {
    Resolver {
        file: FileConfig::parse(toml, Path::new("q.toml")).unwrap(),
        quick: false,
        overrides,
    }
}

fn bench(id: &str) -> Benchmark {
    collect(&ENTRIES, "target", &[])
        .into_iter()
        .find(|b| b.id == id)
        .unwrap()
}

#[test]
fn noise_threshold_from_each_file_section_reaches_the_settings() {
    let r = resolver("[global]\nnoise_threshold = 5\n", Layer::default());
    assert_eq!(r.settings(&bench("plain")).noise_threshold.percent(), 5.0);
    let r = resolver(
        "[global]\nnoise_threshold = 5\n[suite.cpu]\nnoise_threshold = 7\n",
        Layer::default(),
    );
    assert_eq!(r.settings(&bench("plain")).noise_threshold.percent(), 7.0);
    let r = resolver(
        "[suite.cpu]\nnoise_threshold = 7\n[bench.plain]\nnoise_threshold = \"9%\"\n",
        Layer::default(),
    );
    assert_eq!(r.settings(&bench("plain")).noise_threshold.percent(), 9.0);
    assert_eq!(r.settings(&bench("guarded")).noise_threshold.percent(), 7.0);
    // The flag (parsed by the same parser as the file's value) beats the file.
    let flag = Layer {
        noise_threshold: Some(crate::config::NoiseThreshold::parse("3").unwrap()),
        ..Layer::default()
    };
    let r = resolver("[bench.plain]\nnoise_threshold = 9\n", flag);
    assert_eq!(r.settings(&bench("plain")).noise_threshold.percent(), 3.0);
}

#[test]
fn an_unset_timeout_grows_with_long_times_and_a_set_one_does_not() {
    let r = resolver("", Layer::default());
    assert_eq!(r.settings(&bench("plain")).timeout, Duration::from_secs(60));
    let long = Layer {
        measure_time: Some(Duration::from_secs(100)),
        ..Layer::default()
    };
    let r = resolver("", long);
    // Twice the 0.2 s warmup plus 100 s of measurement.
    assert_eq!(
        r.settings(&bench("plain")).timeout,
        Duration::from_millis(200_400)
    );
    assert_eq!(r.global().timeout, Duration::from_millis(200_400));
    assert_eq!(
        r.settings(&bench("guarded")).timeout,
        Duration::from_millis(500)
    );
}

#[test]
fn times_past_a_set_timeout_are_an_error_naming_every_source() {
    let file = "[global]\nwarmup_time = \"2s\"\n[suite.cpu]\ntimeout = 1\n";
    let r = resolver(file, Layer::default());
    let err = r.check(&[bench("plain")]).unwrap_err().to_string();
    assert_eq!(
        err,
        "benchmark `plain`: warmup_time 2s (`global.warmup_time` in q.toml) plus measure_time \
         600ms (the default) is 2.6s, not below timeout 1s (`suite.cpu.timeout` in q.toml): \
         the benchmark would be stopped before it finished measuring; raise the timeout or \
         shorten the warmup or measurement"
    );
    // The attribute's timeout with the flags' times; every benchmark is checked.
    let flags = Layer {
        measure_time: Some(Duration::from_secs(1)),
        ..Layer::default()
    };
    let r = resolver("", flags);
    let err = r
        .check(&[bench("plain"), bench("guarded")])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(
            "benchmark `guarded`: warmup_time 200ms (the default) plus measure_time 1s \
             (--measure-time or QUDAG_BENCH_MEASURE_TIME) is 1.2s, not below timeout 500ms \
             (`timeout` in the #[qudag_bench] attribute)"
        ),
        "{err}"
    );
    // Without a set timeout the default grows instead, and short times fit anyway.
    let r = resolver("[global]\nmeasure_time = 3000\n", Layer::default());
    r.check(&[bench("plain")]).unwrap();
    let fits = Layer {
        warmup_time: Some(Duration::from_millis(10)),
        measure_time: Some(Duration::from_millis(50)),
        ..Layer::default()
    };
    resolver("", fits).check(&[bench("guarded")]).unwrap();
}

#[test]
fn attribute_values_are_checked_against_the_limits() {
    let attr = |timeout| AttrOptions {
        timeout: Some(timeout),
        precision: None,
        ..AttrOptions::default()
    };
    assert_eq!(check_attr(&attr(30.0)), Ok(()));
    assert_eq!(
        check_attr(&attr(1e19)).unwrap_err().to_string(),
        "attribute option `timeout = 10000000000000000000`: expected a duration from 1ms to \
         86400s (24 h)"
    );
    assert!(check_attr(&attr(f64::NAN)).is_err());
}

#[test]
fn precision_in_the_attribute_is_overridden_by_the_file_and_flags() {
    let pct = |r: &Resolver, id| r.settings(&bench(id)).precision.percent();
    // The attribute (2%) beats the default; any file section or a flag beats the attribute.
    let r = resolver("[suite.other]\nprecision = 5\n", Layer::default());
    assert_eq!(pct(&r, "guarded"), 2.0);
    let r = resolver("[bench.guarded]\nprecision = 0\n", Layer::default());
    assert_eq!(pct(&r, "guarded"), 0.0);
    let flag = Layer {
        precision: Some(crate::config::Precision::from_percent(0.5).unwrap()),
        ..Layer::default()
    };
    assert_eq!(pct(&resolver("", flag), "guarded"), 0.5);
    let bad = AttrOptions {
        precision: Some(100.0),
        ..AttrOptions::default()
    };
    assert!(
        check_attr(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("attribute option `precision = 100`: expected a percentage")
    );
}
