use super::*;

fn exe(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn age(path: &Path, secs: u64) {
    let f = std::fs::File::options().append(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(secs))
        .unwrap();
}

#[test]
fn digest_is_sha256_as_sha256sum_prints_it() {
    // python3 -c "import hashlib; print(hashlib.sha256(b'abc').hexdigest())"
    assert_eq!(
        digest(b"abc"),
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // python3 -c "import hashlib; print(hashlib.sha256(b'#!/bin/sh\nexit 0\n').hexdigest())"
    assert_eq!(
        digest(b"#!/bin/sh\nexit 0\n"),
        "sha256:306c6ca7407560340797866e077e053627ad409277d1b9da58106fce4cf717cb"
    );
}

#[test]
fn the_same_build_is_kept_once_and_is_executable() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let build = exe(tmp.path(), "crypto-0123", b"build one");
    let dir = tmp.path().join("baselines/main");
    let first = keep(&dir, &build, tmp.path()).unwrap();
    let second = keep(&dir, &build, tmp.path()).unwrap();
    assert_eq!(first, second);
    assert_eq!(
        first.file,
        format!("bin/{}", first.digest.replace(':', "-"))
    );
    assert_eq!(first.size, 9);
    assert_eq!(first.exe_relative, "crypto-0123");
    assert_eq!(std::fs::read_dir(dir.join(DIR)).unwrap().count(), 1);
    let mode = std::fs::metadata(dir.join(&first.file))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o100, 0o100, "{mode:o}");
}

#[test]
fn paths_are_relative_to_the_package_dir() {
    let rel = |p: &str, b: &str| relative(Path::new(p), Path::new(b)).display().to_string();
    assert_eq!(
        rel("/w/target/release/deps/x-1", "/w/suites"),
        "../target/release/deps/x-1"
    );
    assert_eq!(rel("/w/target/x", "/w"), "target/x");
    assert_eq!(rel("/a/b", "/c/d"), "../../a/b");
}

#[test]
fn cargo_env_never_carries_other_cargo_variables() {
    let vars = [
        ("CARGO_PKG_NAME", "suites"),
        ("CARGO_MANIFEST_DIR", "/w/suites"),
        ("CARGO_REGISTRIES_MY_TOKEN", "secret"),
        ("CARGO_HOME", "/root/.cargo"),
        ("PATH", "/bin"),
    ]
    .map(|(k, v)| (k.to_string(), v.to_string()));
    let env = cargo_env(vars.into_iter());
    let keys: Vec<&str> = env.keys().map(String::as_str).collect();
    assert_eq!(keys, ["CARGO_MANIFEST_DIR", "CARGO_PKG_NAME"]);
}

#[test]
fn prune_removes_only_old_files_no_json_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("baselines/main");
    let old = keep(&dir, &exe(tmp.path(), "a", b"old build"), tmp.path()).unwrap();
    let new = keep(&dir, &exe(tmp.path(), "b", b"new build"), tmp.path()).unwrap();
    let fresh = keep(&dir, &exe(tmp.path(), "c", b"just kept"), tmp.path()).unwrap();
    let doc = serde_json::json!({ "binary": { "file": new.file } });
    std::fs::write(dir.join("crypto.json"), doc.to_string()).unwrap();
    for k in [&old, &new] {
        age(&dir.join(&k.file), 3600);
    }
    std::fs::write(dir.join("broken.json"), "{").unwrap();
    prune(&dir);
    assert!(
        dir.join(&old.file).exists(),
        "a JSON file it cannot read: nothing removed"
    );
    std::fs::remove_file(dir.join("broken.json")).unwrap();
    prune(&dir);
    assert!(!dir.join(&old.file).exists(), "old and unnamed: removed");
    assert!(dir.join(&new.file).exists(), "named by crypto.json: kept");
    assert!(
        dir.join(&fresh.file).exists(),
        "younger than PRUNE_AGE: kept"
    );
}

#[test]
fn usable_checks_what_was_recorded_and_a_copied_directory_still_works() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("home1/baselines/main");
    let kept = keep(&dir, &exe(tmp.path(), "x", b"a build"), tmp.path()).unwrap();
    assert_eq!(usable(&dir, Some(&kept)).unwrap(), dir.join(&kept.file));
    assert_eq!(usable(&dir, None), Err(Unusable::NotKept));
    // As a CI cache restores it: the whole directory elsewhere.
    let copy = tmp.path().join("home2/baselines/main");
    std::fs::create_dir_all(copy.join(DIR)).unwrap();
    std::fs::copy(dir.join(&kept.file), copy.join(&kept.file)).unwrap();
    assert_eq!(usable(&copy, Some(&kept)).unwrap(), copy.join(&kept.file));

    let other = |edit: &dyn Fn(&mut KeptBinary)| {
        let mut k = kept.clone();
        edit(&mut k);
        usable(&dir, Some(&k)).unwrap_err()
    };
    let e = other(&|k| k.platform = "riscv64-linux".into());
    assert_eq!(e, Unusable::OtherPlatform("riscv64-linux".into()));
    assert!(
        e.to_string()
            .contains(&format!("built for riscv64-linux, this is {}", platform()))
    );
    assert_eq!(other(&|k| k.protocol = 9), Unusable::OtherProtocol(9));
    assert_eq!(
        other(&|k| k.file = "../../x".into()),
        Unusable::BadName("../../x".into())
    );
    std::fs::write(copy.join(&kept.file), b"another build").unwrap();
    let e = usable(&copy, Some(&kept)).unwrap_err();
    assert_eq!(e, Unusable::Altered(copy.join(&kept.file)));
    std::fs::remove_file(copy.join(&kept.file)).unwrap();
    let e = usable(&copy, Some(&kept)).unwrap_err();
    assert!(e.to_string().contains("is missing"), "{e}");
}
