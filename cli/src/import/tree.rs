//! Reading one set of criterion's results tree: every `<set>` directory under the root holding
//! criterion's `benchmark.json` (criterion 0.5 to 0.8 write
//! `<root>/<directory_name>/<set>/{benchmark,estimates,sample}.json`, the directory name having
//! one to three parts). Only `benchmark.json` and `sample.json` are read: qudag-bench computes
//! its own statistics from the raw samples. Symbolic links are not followed.

use qudag_bench::error::Error;
use qudag_bench::schema::criterion::{BenchmarkJson, SampleJson};
use qudag_bench::store::validate::MAX_SAMPLES;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Deeper than any directory name criterion makes (three parts, a set, `report/` below).
const MAX_DEPTH: usize = 12;

/// Largest iteration count read exactly from a JSON number (2^53).
const MAX_ITERS: f64 = 9_007_199_254_740_992.0;

/// One benchmark of the set.
#[derive(Debug)]
pub struct Found {
    /// Its `sample.json`.
    pub sample_path: PathBuf,
    /// Its `benchmark.json`, parsed.
    pub benchmark: BenchmarkJson,
    /// Iterations of each sample.
    pub iters: Vec<u64>,
    /// Total time of each sample, ns, rounded to whole nanoseconds.
    pub times: Vec<u64>,
    /// When criterion wrote `sample.json`.
    pub written: Option<SystemTime>,
    /// The bytes of `benchmark.json` and `sample.json` (what the run id is derived from).
    pub bytes: Vec<u8>,
}

/// The benchmarks of set `set` under `root`, sorted by path. No root, a set with no benchmark
/// (naming the sets there are), or a file that is not criterion's is an error naming it.
pub fn read_set(root: &Path, set: &str) -> Result<Vec<Found>, Error> {
    if !root.is_dir() {
        return Err(Error::Unreadable {
            path: root.to_path_buf(),
            message: format!(
                "{} is not a directory of criterion results (run `cargo bench` with criterion \
                 first, or give the directory: `qudag-bench import criterion DIR`)",
                root.display()
            ),
        });
    }
    let mut dirs = Vec::new();
    let mut sets = BTreeSet::new();
    walk(root, 0, set, &mut dirs, &mut sets)?;
    if dirs.is_empty() {
        let seen = match sets.is_empty() {
            true => "none holds criterion's benchmark.json".to_string(),
            false => format!(
                "it has {}",
                sets.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return Err(Error::Unreadable {
            path: root.to_path_buf(),
            message: format!(
                "{} has no criterion results of set `{set}` (no */{set}/benchmark.json); {seen} \
                 (choose with --baseline NAME)",
                root.display()
            ),
        });
    }
    dirs.sort();
    dirs.iter().map(|dir| read_one(dir)).collect()
}

/// Collects under `dir` the directories named `set` holding a `benchmark.json`, and the names
/// of all directories holding one into `sets`.
fn walk(
    dir: &Path,
    depth: usize,
    set: &str,
    out: &mut Vec<PathBuf>,
    sets: &mut BTreeSet<String>,
) -> Result<(), Error> {
    let unreadable = |e: std::io::Error| Error::Unreadable {
        path: dir.to_path_buf(),
        message: format!("cannot read the directory {}: {e}", dir.display()),
    };
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        if !entry.file_type().map_err(unreadable)?.is_dir() {
            continue;
        }
        let path = entry.path();
        if path.join("benchmark.json").is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == set {
                out.push(path.clone());
            }
            sets.insert(name);
        }
        if depth < MAX_DEPTH {
            walk(&path, depth + 1, set, out, sets)?;
        }
    }
    Ok(())
}

fn read_one(dir: &Path) -> Result<Found, Error> {
    let benchmark_path = dir.join("benchmark.json");
    let sample_path = dir.join("sample.json");
    let benchmark_bytes = read(&benchmark_path)?;
    let sample_bytes = read(&sample_path)?;
    let benchmark = parse_benchmark(&benchmark_path, &benchmark_bytes)?;
    let (iters, times) = parse_sample(&sample_path, &sample_bytes)?;
    let written = std::fs::metadata(&sample_path)
        .and_then(|m| m.modified())
        .ok();
    let mut bytes = benchmark_bytes;
    bytes.extend_from_slice(&sample_bytes);
    Ok(Found {
        sample_path,
        benchmark,
        iters,
        times,
        written,
        bytes,
    })
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Unreadable {
        path: path.to_path_buf(),
        message: format!(
            "cannot read {}: {e} (criterion writes it next to benchmark.json)",
            path.display()
        ),
    })
}

/// A file that is not what criterion writes.
fn corrupt(path: &Path, what: String) -> Error {
    Error::Corrupt {
        path: path.to_path_buf(),
        message: format!("{}: {what}", path.display()),
    }
}

/// Parses criterion's `benchmark.json`.
pub fn parse_benchmark(path: &Path, bytes: &[u8]) -> Result<BenchmarkJson, Error> {
    let b: BenchmarkJson = serde_json::from_slice(bytes).map_err(|e| {
        corrupt(
            path,
            format!(
                "not criterion's benchmark.json ({e}); expected an object with group_id, \
                 function_id, value_str, throughput, full_id and directory_name"
            ),
        )
    })?;
    if b.full_id.is_empty() {
        return Err(corrupt(
            path,
            "full_id is empty; expected the benchmark's id".into(),
        ));
    }
    Ok(b)
}

/// Parses criterion's `sample.json` into whole iteration counts (at least 1 each) and sample
/// times rounded to whole nanoseconds (criterion's wall-time measurement records whole
/// nanoseconds as floats).
pub fn parse_sample(path: &Path, bytes: &[u8]) -> Result<(Vec<u64>, Vec<u64>), Error> {
    let s: SampleJson = serde_json::from_slice(bytes).map_err(|e| {
        corrupt(
            path,
            format!(
                "not criterion's sample.json ({e}); expected an object with sampling_mode \
                 (`Linear` or `Flat`), iters and times (arrays of numbers)"
            ),
        )
    })?;
    if s.iters.len() != s.times.len() || s.iters.is_empty() {
        return Err(corrupt(
            path,
            format!(
                "has {} iteration counts and {} times; expected one of each per sample, at \
                 least one sample",
                s.iters.len(),
                s.times.len()
            ),
        ));
    }
    if s.iters.len() > MAX_SAMPLES {
        return Err(corrupt(
            path,
            format!(
                "has {} samples; qudag-bench reads at most {MAX_SAMPLES}",
                s.iters.len()
            ),
        ));
    }
    let iters = s.iters.iter().enumerate().map(|(i, &n)| {
        if (1.0..=MAX_ITERS).contains(&n) && n.fract() == 0.0 {
            Ok(n as u64)
        } else {
            Err(corrupt(
                path,
                format!("iters[{i}] is {n}; expected a whole number of iterations, at least 1"),
            ))
        }
    });
    let times = s.times.iter().enumerate().map(|(i, &t)| {
        if t.is_finite() && t >= 0.0 && t < u64::MAX as f64 {
            Ok(t.round() as u64)
        } else {
            Err(corrupt(
                path,
                format!("times[{i}] is {t}; expected a non-negative number of nanoseconds"),
            ))
        }
    });
    Ok((
        iters.collect::<Result<_, _>>()?,
        times.collect::<Result<_, _>>()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BENCHMARK_05: &str = r#"{"group_id":"hash","function_id":"blake3","value_str":"1024",
        "throughput":{"Bytes":1024},"full_id":"hash/blake3/1024",
        "directory_name":"hash/blake3/1024","title":"hash/blake3/1024"}"#;

    #[test]
    fn criterions_documents_parse() {
        let p = Path::new("b.json");
        let b = parse_benchmark(p, BENCHMARK_05.as_bytes()).unwrap();
        assert_eq!(
            (b.full_id.as_str(), b.value_str.as_deref()),
            ("hash/blake3/1024", Some("1024"))
        );
        // criterion 0.8's throughput forms, and a top-level bench_function's nulls.
        let b = parse_benchmark(
            p,
            br#"{"group_id":"fib","function_id":null,"value_str":null,
                "throughput":{"ElementsAndBytes":{"elements":3,"bytes":24}},
                "full_id":"fib","directory_name":"fib","title":"fib"}"#,
        )
        .unwrap();
        assert_eq!(b.function_id, None);
        let s = br#"{"sampling_mode":"Linear","iters":[3.0,6.0,9.0],"times":[300.0,610.4,899.6]}"#;
        assert_eq!(
            parse_sample(p, s).unwrap(),
            (vec![3, 6, 9], vec![300, 610, 900])
        );
    }

    #[test]
    fn malformed_documents_are_errors_naming_the_file_and_what_was_expected() {
        let p = Path::new("crit/x/new/sample.json");
        for (text, needle) in [
            ("{", "not criterion's sample.json"),
            (
                r#"{"iters":[1.0],"times":[1.0]}"#,
                "missing field `sampling_mode`",
            ),
            (
                r#"{"sampling_mode":"Auto","iters":[1.0],"times":[1.0]}"#,
                "unknown variant",
            ),
            (
                r#"{"sampling_mode":"Flat","iters":[1.0,2.0],"times":[1.0]}"#,
                "2 iteration counts and 1 times",
            ),
            (
                r#"{"sampling_mode":"Flat","iters":[],"times":[]}"#,
                "at least one sample",
            ),
            (
                r#"{"sampling_mode":"Flat","iters":[0.0],"times":[1.0]}"#,
                "iters[0] is 0",
            ),
            (
                r#"{"sampling_mode":"Flat","iters":[2.5],"times":[1.0]}"#,
                "iters[0] is 2.5",
            ),
            (
                r#"{"sampling_mode":"Flat","iters":[1.0,1.0],"times":[1.0,-3.0]}"#,
                "times[1] is -3",
            ),
        ] {
            let e = parse_sample(p, text.as_bytes()).unwrap_err();
            assert!(matches!(e, Error::Corrupt { .. }), "{e:?}");
            let e = e.to_string();
            assert!(
                e.contains(needle) && e.contains("crit/x/new/sample.json"),
                "{text}: {e}"
            );
        }
        let p = Path::new("crit/x/new/benchmark.json");
        for (text, needle) in [
            ("[]", "expected an object with group_id"),
            (
                r#"{"group_id":"g","directory_name":"g"}"#,
                "missing field `full_id`",
            ),
            (
                r#"{"group_id":"g","full_id":"","directory_name":"g"}"#,
                "full_id is empty",
            ),
            (
                r#"{"group_id":"g","full_id":"g","directory_name":"g","throughput":{"Bogus":1}}"#,
                "unknown variant `Bogus`",
            ),
        ] {
            let e = parse_benchmark(p, text.as_bytes()).unwrap_err().to_string();
            assert!(
                e.contains(needle) && e.contains("benchmark.json"),
                "{text}: {e}"
            );
        }
    }

    #[test]
    fn a_set_is_found_at_every_depth_and_a_missing_one_names_those_there() {
        let root = tempfile::tempdir().unwrap();
        let sample = r#"{"sampling_mode":"Flat","iters":[2.0],"times":[20.0]}"#;
        for dir in [
            "fib/new",
            "hash/blake3/1024/new",
            "hash/blake3/1024/base",
            "report",
        ] {
            let at = root.path().join(dir);
            std::fs::create_dir_all(&at).unwrap();
            if dir != "report" {
                std::fs::write(at.join("benchmark.json"), BENCHMARK_05).unwrap();
                std::fs::write(at.join("sample.json"), sample).unwrap();
            }
        }
        let found = read_set(root.path(), "new").unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(read_set(root.path(), "base").unwrap().len(), 1);
        let e = read_set(root.path(), "main").unwrap_err().to_string();
        assert!(
            e.contains("no criterion results of set `main`") && e.contains("`base`, `new`"),
            "{e}"
        );
        let e = read_set(&root.path().join("nope"), "new")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("nope is not a directory of criterion results"),
            "{e}"
        );
        std::fs::remove_file(root.path().join("fib/new/sample.json")).unwrap();
        let e = read_set(root.path(), "new").unwrap_err().to_string();
        assert!(
            e.contains("fib/new/sample.json") && e.contains("cannot read"),
            "{e}"
        );
    }
}
