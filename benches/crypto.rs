//! QuDAG crypto suite: the primitives QuDAG is built on, on the real crates through
//! `qudag_suites::crypto`. ML-KEM-768 (key exchange for onion layers and handshakes), ML-DSA-65
//! (vertex and message signatures), BLAKE3 (vertex ids, fingerprints), ChaCha20-Poly1305 (onion
//! layer encryption) and HKDF-SHA256 (key derivation from KEM secrets).
//!
//! Every benchmark checks its result outside the timed region, on the same deterministic inputs
//! the timed routine gets: shared secrets agree (and differ for a tampered ciphertext),
//! signatures verify, `open` returns the plaintext. Keys come from fixed seeds.

use qudag_bench::{Bencher, black_box};
use qudag_suites::crypto::{Rng, rng};
use std::time::Instant;

/// Seed of the long-lived key pairs the benchmarks use.
const KEY_SEED: u64 = 0x0051_5544_4147; // "QUDAG"

/// Deterministic message bytes, distinct for each `variant` (its first 8 bytes, when there is
/// room) and not all zeros.
fn message(len: usize, variant: u64) -> Vec<u8> {
    let mut m: Vec<u8> = (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 7) ^ (variant as usize).wrapping_mul(131)) as u8)
        .collect();
    let tag = variant.to_le_bytes();
    let n = tag.len().min(len);
    m[..n].copy_from_slice(&tag[..n]);
    m
}

/// A fresh deterministic RNG per call: inputs for routines that consume randomness.
fn rng_stream(base: u64) -> impl FnMut() -> Rng {
    let mut n = 0u64;
    move || {
        n += 1;
        rng(base.wrapping_add(n))
    }
}

/// Times `routine` on one item of `items` per sample, taking the next item for the next sample:
/// every sample is that item's time per iteration whatever the number of iterations the
/// harness picks, so the statistics are over items (for work whose cost depends on the input,
/// like ML-DSA's rejection-sampling signing loop).
fn rotate_per_sample<T, O>(b: &mut Bencher, items: &[T], mut routine: impl FnMut(&T) -> O) {
    let mut next = 0;
    b.iter_custom(|iters| {
        let item = black_box(&items[next % items.len()]);
        next += 1;
        let start = Instant::now();
        for _ in 0..iters {
            black_box(routine(item));
        }
        start.elapsed()
    });
}

mod ml_kem {
    use super::{KEY_SEED, rng, rng_stream};
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::{KemCiphertext, KemKeyPair, kem_encapsulate};

    /// A key pair from `KEY_SEED` and a valid ciphertext to it with its shared secret.
    fn fixture() -> (KemKeyPair, KemCiphertext, [u8; 32]) {
        let mut r = rng(KEY_SEED);
        let kp = KemKeyPair::generate(&mut r);
        let (ct, ss) = kem_encapsulate(kp.public(), &mut r);
        assert_eq!(kp.decapsulate(&ct), ss, "ML-KEM round trip failed");
        (kp, ct, ss)
    }

    /// FIPS 203 KeyGen, a fresh seeded RNG per iteration.
    #[qudag_bench(tags = ["ml-kem", "post-quantum", "fast"])]
    fn keygen(b: &mut Bencher) {
        const BASE: u64 = 1 << 32;
        // Check: the key pair of the first input (same seed) works.
        let kp = KemKeyPair::generate(&mut rng(BASE + 1));
        let (ct, ss) = kem_encapsulate(kp.public(), &mut rng(7));
        assert_eq!(kp.decapsulate(&ct), ss, "generated ML-KEM key pair fails");
        b.with_inputs(rng_stream(BASE))
            .bench_values(|mut r| KemKeyPair::generate(&mut r));
    }

    /// FIPS 203 Encaps to a fixed public key, a fresh seeded RNG per iteration.
    #[qudag_bench(tags = ["ml-kem", "post-quantum", "fast"])]
    fn encapsulate(b: &mut Bencher) {
        const BASE: u64 = 2 << 32;
        let (kp, _, _) = fixture();
        let pk = kp.public().clone();
        // Check: the first input's encapsulation decapsulates to the same secret.
        let (ct, ss) = kem_encapsulate(&pk, &mut rng(BASE + 1));
        assert_eq!(
            kp.decapsulate(&ct),
            ss,
            "ML-KEM encapsulation does not round trip"
        );
        b.with_inputs(rng_stream(BASE))
            .bench_values(|mut r| kem_encapsulate(black_box(&pk), &mut r));
    }

    /// FIPS 203 Decaps of a valid ciphertext.
    #[qudag_bench(tags = ["ml-kem", "post-quantum", "fast"])]
    fn decapsulate(b: &mut Bencher) {
        let (kp, ct, ss) = fixture();
        assert_eq!(kp.decapsulate(&ct), ss, "valid ciphertext: secrets differ");
        b.iter(|| kp.decapsulate(black_box(&ct)));
    }

    /// FIPS 203 Decaps of a tampered ciphertext: the re-encryption check fails and the
    /// implicit-rejection secret J(z || c) is returned (constant time: same work as valid).
    #[qudag_bench(tags = ["ml-kem", "post-quantum", "fast"])]
    fn decapsulate_tampered(b: &mut Bencher) {
        let (kp, ct, ss) = fixture();
        let mut bytes = ct.as_bytes().to_vec();
        bytes[17] ^= 0x01;
        let bad = KemCiphertext::from_bytes(&bytes).expect("same length");
        let rejected = kp.decapsulate(&bad);
        assert_ne!(rejected, ss, "tampered ciphertext gave the sender's secret");
        assert_eq!(
            kp.decapsulate(&bad),
            rejected,
            "implicit rejection not deterministic"
        );
        b.iter(|| kp.decapsulate(black_box(&bad)));
    }
}

mod ml_dsa {
    use super::{KEY_SEED, message, rng, rng_stream, rotate_per_sample};
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::{DsaKeyPair, dsa_verify};

    /// Distinct messages per signing benchmark. ML-DSA signing is a rejection-sampling loop:
    /// for ML-DSA-65, 1 to 20-odd rounds of ~0.2 ms depending on the message (median 4, mean
    /// about 5), so one message would measure its own luck. The sign benchmarks time one
    /// message per sample, cycling through these, and report the median over messages. Fewer
    /// in unoptimised builds (`cargo test --benches`), where checking each is slow.
    pub(super) const MESSAGES: u64 = if cfg!(debug_assertions) { 4 } else { 64 };

    /// FIPS 204 KeyGen from a seed drawn from a fresh seeded RNG per iteration.
    #[qudag_bench(tags = ["ml-dsa", "post-quantum"])]
    fn keygen(b: &mut Bencher) {
        const BASE: u64 = 3 << 32;
        // Check: the key pair of the first input (same seed) signs verifiably.
        let kp = DsaKeyPair::generate(&mut rng(BASE + 1));
        assert!(dsa_verify(kp.public(), b"check", &kp.sign(b"check")));
        b.with_inputs(rng_stream(BASE))
            .bench_values(|mut r| DsaKeyPair::generate(&mut r));
    }

    /// FIPS 204 Sign (deterministic, empty context) of `len`-byte messages; see [`MESSAGES`].
    #[qudag_bench(args = [64, 1024, 65536], tags = ["ml-dsa", "post-quantum"])]
    fn sign(b: &mut Bencher, len: usize) {
        let kp = DsaKeyPair::generate(&mut rng(KEY_SEED));
        let msgs: Vec<Vec<u8>> = (0..MESSAGES).map(|v| message(len, v)).collect();
        // Check: each message's signature (deterministic: the one the timed loop computes)
        // verifies.
        for msg in &msgs {
            assert!(
                dsa_verify(kp.public(), msg, &kp.sign(msg)),
                "signature does not verify"
            );
        }
        b.throughput_bytes(len as u64);
        rotate_per_sample(b, &msgs, |msg| kp.sign(black_box(msg)));
    }

    /// FIPS 204 Verify of a valid signature over a `len`-byte message.
    #[qudag_bench(args = [64, 1024, 65536], tags = ["ml-dsa", "post-quantum"])]
    fn verify(b: &mut Bencher, len: usize) {
        let kp = DsaKeyPair::generate(&mut rng(KEY_SEED));
        let pk = kp.public().clone();
        let msg = message(len, 0);
        let sig = kp.sign(&msg);
        // Check: the signature verifies (the timed call's result), and not for an altered
        // message.
        assert!(dsa_verify(&pk, &msg, &sig), "signature does not verify");
        let mut altered = msg.clone();
        altered[len / 2] ^= 1;
        assert!(!dsa_verify(&pk, &altered, &sig), "altered message verified");
        b.throughput_bytes(len as u64);
        b.iter(|| dsa_verify(black_box(&pk), black_box(&msg), black_box(&sig)));
    }
}

mod blake3 {
    use super::message;
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::hash as blake3_hash;

    /// BLAKE3 of `len` bytes (QuDAG's vertex ids and content hashes).
    #[qudag_bench(args = [64, 1024, 65536, 1048576], tags = ["blake3", "hash", "fast"])]
    fn hash(b: &mut Bencher, len: usize) {
        let data = message(len, 0);
        // Check: the one-shot hash equals the streaming hash fed in awkward chunks, and the
        // known answer for "abc".
        let mut streaming = ::blake3::Hasher::new();
        for chunk in data.chunks(1000) {
            streaming.update(chunk);
        }
        assert_eq!(blake3_hash(&data), *streaming.finalize().as_bytes());
        assert_eq!(
            ::blake3::Hash::from(blake3_hash(b"abc")).to_hex().as_str(),
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
        b.throughput_bytes(len as u64);
        b.iter(|| blake3_hash(black_box(&data)));
    }
}

mod fingerprint {
    use super::{KEY_SEED, message, rng, rotate_per_sample};
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::{DsaKeyPair, dsa_verify, fingerprint};

    const LEN: usize = 1024;

    /// A 64-byte BLAKE3-XOF fingerprint of a 1 KiB message, signed with ML-DSA-65 (both timed;
    /// one message per sample, cycling, as `ml_dsa::sign` does).
    #[qudag_bench(tags = ["ml-dsa", "blake3", "post-quantum"])]
    fn sign(b: &mut Bencher) {
        let kp = DsaKeyPair::generate(&mut rng(KEY_SEED));
        let msgs: Vec<Vec<u8>> = (0..super::ml_dsa::MESSAGES)
            .map(|v| message(LEN, v))
            .collect();
        // Check: every fingerprint signature verifies against the fingerprint, and not against
        // another message's fingerprint.
        for msg in &msgs {
            let sig = kp.sign(&fingerprint(msg));
            assert!(dsa_verify(kp.public(), &fingerprint(msg), &sig));
            assert!(!dsa_verify(kp.public(), &fingerprint(&msg[1..]), &sig));
        }
        b.throughput_bytes(LEN as u64);
        rotate_per_sample(b, &msgs, |msg| kp.sign(&fingerprint(black_box(msg))));
    }
}

mod chacha20poly1305 {
    use super::message;
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::{AEAD_TAG_LEN, open as aead_open, seal as aead_seal};

    const KEY: [u8; 32] = [0x42; 32];
    const NONCE: [u8; 12] = [0x24; 12];
    const AAD: &[u8] = b"qudag onion header";

    /// ChaCha20-Poly1305 encryption of `len` bytes (with a 16-byte tag and 18 bytes of AAD).
    #[qudag_bench(args = [512, 4096, 65536], tags = ["aead", "fast"])]
    fn seal(b: &mut Bencher, len: usize) {
        let pt = message(len, 1);
        // Check: what seal produces opens to the plaintext (seal is deterministic).
        let ct = aead_seal(&KEY, &NONCE, AAD, &pt);
        assert_eq!(ct.len(), len + AEAD_TAG_LEN);
        assert_eq!(aead_open(&KEY, &NONCE, AAD, &ct).as_deref(), Some(&pt[..]));
        b.throughput_bytes(len as u64);
        b.iter(|| aead_seal(&KEY, &NONCE, AAD, black_box(&pt)));
    }

    /// ChaCha20-Poly1305 verification and decryption of `len` bytes.
    #[qudag_bench(args = [512, 4096, 65536], tags = ["aead", "fast"])]
    fn open(b: &mut Bencher, len: usize) {
        let pt = message(len, 2);
        let ct = aead_seal(&KEY, &NONCE, AAD, &pt);
        // Check: open returns the plaintext; a flipped tag bit is rejected.
        assert_eq!(aead_open(&KEY, &NONCE, AAD, &ct).as_deref(), Some(&pt[..]));
        let mut bad = ct.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(aead_open(&KEY, &NONCE, AAD, &bad), None);
        b.throughput_bytes(len as u64);
        b.iter(|| aead_open(&KEY, &NONCE, AAD, black_box(&ct)));
    }
}

mod hkdf {
    use super::{KEY_SEED, rng};
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::{KemKeyPair, hkdf_sha256, kem_encapsulate};

    /// HKDF-SHA256 extract + expand to a 32-byte key from an ML-KEM shared secret, as an onion
    /// layer derives its AEAD key.
    #[qudag_bench(tags = ["kdf", "fast"])]
    fn derive(b: &mut Bencher) {
        let mut r = rng(KEY_SEED);
        let kp = KemKeyPair::generate(&mut r);
        let (_, ss) = kem_encapsulate(kp.public(), &mut r);
        let salt = b"qudag-onion-v1";
        let info = b"layer key";
        // Check: RFC 5869 test case 1 (first 32 bytes of its OKM), and a derived key that is
        // reproducible and separated by info.
        let okm = hkdf_sha256(
            &[0x0b; 22],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
            &[0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9],
        );
        assert_eq!(
            ::blake3::Hash::from(okm).to_hex().as_str(),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
        );
        let key = hkdf_sha256(&ss, salt, info);
        assert_eq!(hkdf_sha256(&ss, salt, info), key);
        assert_ne!(hkdf_sha256(&ss, salt, b"other layer"), key);
        b.iter(|| hkdf_sha256(black_box(&ss), salt, info));
    }
}

qudag_bench::main!();
