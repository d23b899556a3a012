//! Every option the attribute accepts, alone and together.
use qudag_bench::{Bencher, qudag_bench};

#[qudag_bench(name = "renamed")]
fn name(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(suite = "cpu")]
fn suite(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(tags = ["fast", "alloc"])]
fn tags(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(tags = [])]
fn no_tags(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(samples = 2)]
fn samples_min(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(samples = 4294967295)]
fn samples_max(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(warmup_time = 1)]
fn warmup_int(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(warmup_time = 0.25)]
fn warmup_float(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(warmup_time = 0)]
fn warmup_zero(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(measure_time = 2)]
fn measure_int(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(measure_time = 0.5)]
fn measure_float(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(timeout = 30)]
fn timeout_int(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(timeout = 2.5)]
fn timeout_float(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(precision = 0.5)]
fn precision_float(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(precision = 0)]
fn precision_fixed_plan(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(ignore)]
fn ignored(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(ignore = true)]
fn ignored_explicitly(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(ignore = false)]
fn not_ignored(b: &mut Bencher) {
    b.iter(|| 1 + 1);
}

#[qudag_bench(
    name = "everything",
    suite = "io",
    tags = ["slow"],
    args = [1, 2],
    samples = 10,
    warmup_time = 0,
    measure_time = 0.1,
    timeout = 60,
    ignore,
)]
fn all_options(b: &mut Bencher, n: u64) {
    b.iter(|| n * 2);
}

#[qudag_bench(isolate, memory_limit = "1.5 GiB", cpu_time_limit = 30, open_files = 64)]
fn isolated_with_limits(b: &mut Bencher) {
    b.iter(|| 1);
}

#[qudag_bench(isolate = false, memory_limit = 268435456, network = "none")]
fn limit_in_bytes(b: &mut Bencher) {
    b.iter(|| 1);
}

fn on_this_host() -> Result<(), String> {
    Ok(())
}

#[qudag_bench(requires = on_this_host)]
fn one_requirement(b: &mut Bencher) {
    b.iter(|| 1);
}

#[qudag_bench(requires = [qudag_bench::requires::ipv6, on_this_host, self::on_this_host])]
fn requirements(b: &mut Bencher) {
    b.iter(|| 1);
}

qudag_bench::main!();
