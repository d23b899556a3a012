//! QuDAG crypto suite. BLAKE3 (QuDAG's hash for vertex ids and fingerprints) over 64 B to 1 MiB;
//! the post-quantum benchmarks (ML-KEM-768, ML-DSA-65) join this suite next.

use qudag_bench::{Bencher, black_box, qudag_bench};

/// Deterministic input bytes (not all zeros, so no special-casing can help).
fn input(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 7)) as u8)
        .collect()
}

#[qudag_bench(args = [64, 1024, 65536, 1048576], tags = ["blake3", "hash", "fast"])]
fn blake3_hash(b: &mut Bencher, len: usize) {
    let data = input(len);
    // Correctness, outside the timed region: the one-shot hash equals the streaming hash.
    let mut streaming = blake3::Hasher::new();
    for chunk in data.chunks(1000) {
        streaming.update(chunk);
    }
    assert_eq!(
        blake3::hash(&data),
        streaming.finalize(),
        "one-shot and streaming BLAKE3 differ"
    );
    b.throughput_bytes(len as u64);
    b.iter(|| blake3::hash(black_box(&data)));
}

qudag_bench::main!();
