//! QuDAG domain code for qudag-bench's suites, built on real crates: post-quantum primitives
//! (ML-KEM-768, ML-DSA-65), BLAKE3, ChaCha20-Poly1305 and HKDF-SHA256; a DAG of signed vertices
//! with tip selection and QR-Avalanche-style consensus; onion routing. Every operation checks
//! its result so that benchmarks measure working code, and the unit tests include the negative
//! cases (tampered ciphertexts, forged signatures, bad parent references).
#![warn(missing_docs)]

pub mod consensus;
pub mod crypto;
pub mod dag;
pub mod onion;
pub mod wire;
