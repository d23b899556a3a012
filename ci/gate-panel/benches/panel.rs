//! The panel: one benchmark per kind (docs/gating.md). `gate_panel::SLOWDOWN_BP` (set at
//! compile time) adds that share of each workload's own units: rounds, hops, allocations.
use gate_panel::{allocate, chase, due, extra_milli, mix, random_cycle};
use qudag_bench::{Bencher, black_box, qudag_bench};

/// ns-scale: 8 mix rounds (about 8 ns).
#[qudag_bench]
fn ns_scale(b: &mut Bencher) {
    let (mut acc, extra) = (0, extra_milli(8));
    b.iter(|| mix(black_box(1), 8 + due(&mut acc, extra)));
}

/// us CPU-bound: 1,000 mix rounds.
#[qudag_bench]
fn cpu_1us(b: &mut Bencher) {
    let (mut acc, extra) = (0, extra_milli(1_000));
    b.iter(|| mix(black_box(2), 1_000 + due(&mut acc, extra)));
}

/// 100 us CPU-bound: 100,000 mix rounds.
#[qudag_bench]
fn cpu_100us(b: &mut Bencher) {
    let (mut acc, extra) = (0, extra_milli(100_000));
    b.iter(|| mix(black_box(3), 100_000 + due(&mut acc, extra)));
}

/// Memory-bound: 1,000 dependent loads through a random cycle over 32 MiB.
#[qudag_bench]
fn memory_32mib(b: &mut Bencher) {
    let next = random_cycle(8 << 20, 11);
    let mut at = 0u32;
    let (mut acc, extra) = (0, extra_milli(1_000));
    b.iter(|| {
        at = chase(&next, at, 1_000 + due(&mut acc, extra));
        at
    });
}

/// Allocation-heavy: 100 allocations of 16 B to 2 KiB, touched and freed.
#[qudag_bench]
fn alloc_heavy(b: &mut Bencher) {
    let (mut acc, extra) = (0, extra_milli(100));
    let mut start = 0;
    b.iter(|| {
        start += 1;
        allocate(100 + due(&mut acc, extra), start)
    });
}

/// A real QuDAG crypto benchmark: ML-KEM-768 encapsulation. Its extra work is mix rounds,
/// ENCAPS_ROUNDS of which took as long as one encapsulation here (ci/gate-study.py reports
/// the slowdown this gives as measured, next to the nominal one).
#[qudag_bench]
fn ml_kem_encapsulate(b: &mut Bencher) {
    use qudag_suites::crypto::{KemKeyPair, kem_encapsulate, rng};
    const ENCAPS_ROUNDS: u64 = 58_000;
    let kp = KemKeyPair::generate(&mut rng(1));
    let pk = kp.public().clone();
    let mut r = rng(2);
    let (mut acc, extra) = (0, extra_milli(ENCAPS_ROUNDS));
    b.iter(|| {
        let out = kem_encapsulate(black_box(&pk), &mut r);
        (out, mix(3, due(&mut acc, extra)))
    });
}

qudag_bench::main!();
