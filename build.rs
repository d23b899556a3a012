//! Records facts about the build for the run report's environment block: the compiler
//! version (the same rustc builds the bench target) and the profile.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    if let Ok(out) = Command::new(rustc).arg("-V").output()
        && out.status.success()
    {
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        println!("cargo:rustc-env=QUDAG_BENCH_RUSTC_VERSION={version}");
    }
    for (var, name) in [
        ("PROFILE", "QUDAG_BENCH_PROFILE"),
        ("OPT_LEVEL", "QUDAG_BENCH_OPT_LEVEL"),
    ] {
        let value = std::env::var(var).unwrap_or_else(|_| "unknown".into());
        println!("cargo:rustc-env={name}={value}");
    }
    println!("cargo:rerun-if-env-changed=RUSTC");
    println!("cargo:rerun-if-changed=build.rs");
}
