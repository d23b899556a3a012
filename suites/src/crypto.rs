//! Thin wrappers over the real RustCrypto and BLAKE3 crates, with one fixed parameter set each:
//! ML-KEM-768 (`ml-kem`, FIPS 203), ML-DSA-65 (`ml-dsa`, FIPS 204, deterministic signing with an
//! empty context), BLAKE3 (`blake3`, 32-byte hash and 64-byte XOF fingerprint),
//! ChaCha20-Poly1305 (`chacha20poly1305`, RFC 8439) and HKDF-SHA256 (`hkdf` + `sha2`,
//! RFC 5869).
//!
//! Every key, ciphertext and signature type checks its input when decoded from bytes
//! (`from_bytes` returns `None` for a wrong length or an invalid encoding), and randomness comes
//! only from an explicit, seedable [`Rng`], so benchmarks and tests are reproducible.

use chacha20poly1305::ChaCha20Poly1305;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use hkdf::Hkdf;
use ml_dsa::signature::{Signer, Verifier};
use ml_dsa::{EncodedVerifyingKey, Generate, KeyExport, MlDsa65};
use ml_kem::{Decapsulate, Encapsulate, Kem, MlKem768, TryKeyInit};
use rand::SeedableRng;
use sha2::Sha256;

/// The random number generator every key generation and encapsulation takes: a seedable CSPRNG
/// (ChaCha12 in `rand` 0.10).
pub type Rng = rand::rngs::StdRng;

/// A deterministic [`Rng`]: the same seed gives the same keys, ciphertexts and secrets.
pub fn rng(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

// ---------------------------------------------------------------------------------------------
// ML-KEM-768
// ---------------------------------------------------------------------------------------------

/// Length in bytes of an encoded ML-KEM-768 encapsulation (public) key.
pub const KEM_PUBLIC_KEY_LEN: usize = 1184;
/// Length in bytes of an ML-KEM-768 ciphertext.
pub const KEM_CIPHERTEXT_LEN: usize = 1088;

/// A 32-byte shared secret established by ML-KEM-768.
pub type SharedSecret = [u8; 32];

/// An ML-KEM-768 key pair: the decapsulation (secret) key and its encapsulation (public) key.
///
/// `Debug` shows only the public key.
#[derive(Clone, Debug)]
pub struct KemKeyPair {
    dk: ml_kem::ml_kem_768::DecapsulationKey,
    public: KemPublicKey,
}

impl KemKeyPair {
    /// Generates a key pair (FIPS 203 `ML-KEM.KeyGen`) with randomness from `rng`.
    pub fn generate(rng: &mut Rng) -> KemKeyPair {
        let (dk, ek) = MlKem768::generate_keypair_from_rng(rng);
        KemKeyPair {
            dk,
            public: KemPublicKey(ek),
        }
    }

    /// The encapsulation (public) key.
    pub fn public(&self) -> &KemPublicKey {
        &self.public
    }

    /// Decapsulates `ct` (FIPS 203 `ML-KEM.Decaps`). ML-KEM has implicit rejection: a ciphertext
    /// that was not produced for this key (tampered, or for another key) does not fail but
    /// yields a pseudorandom secret unrelated to the sender's, so the mismatch surfaces when the
    /// secret is used (e.g. an AEAD `open` fails).
    pub fn decapsulate(&self, ct: &KemCiphertext) -> SharedSecret {
        self.dk.decapsulate(&ct.0).into()
    }
}

/// An ML-KEM-768 encapsulation (public) key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KemPublicKey(ml_kem::ml_kem_768::EncapsulationKey);

impl KemPublicKey {
    /// The FIPS 203 encoding, [`KEM_PUBLIC_KEY_LEN`] bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// Decodes a key; `None` if `bytes` is not [`KEM_PUBLIC_KEY_LEN`] long or fails the FIPS 203
    /// modulus check (a coefficient not below q = 3329).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        ml_kem::ml_kem_768::EncapsulationKey::new_from_slice(bytes)
            .ok()
            .map(KemPublicKey)
    }
}

/// An ML-KEM-768 ciphertext (the encapsulated shared secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KemCiphertext(ml_kem::ml_kem_768::Ciphertext);

impl KemCiphertext {
    /// The ciphertext bytes, [`KEM_CIPHERTEXT_LEN`] long.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Wraps ciphertext bytes; `None` unless `bytes` is exactly [`KEM_CIPHERTEXT_LEN`] long (any
    /// such bytes are a ciphertext: a bad one decapsulates to an unrelated secret).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        ml_kem::ml_kem_768::Ciphertext::try_from(bytes)
            .ok()
            .map(KemCiphertext)
    }
}

/// Encapsulates a fresh shared secret to `pk` (FIPS 203 `ML-KEM.Encaps`) with randomness from
/// `rng`; returns the ciphertext to send and the secret.
pub fn kem_encapsulate(pk: &KemPublicKey, rng: &mut Rng) -> (KemCiphertext, SharedSecret) {
    let (ct, ss) = pk.0.encapsulate_with_rng(rng);
    (KemCiphertext(ct), ss.into())
}

// ---------------------------------------------------------------------------------------------
// ML-DSA-65
// ---------------------------------------------------------------------------------------------

/// Length in bytes of an encoded ML-DSA-65 verifying (public) key.
pub const DSA_PUBLIC_KEY_LEN: usize = 1952;
/// Length in bytes of an encoded ML-DSA-65 signature.
pub const DSA_SIGNATURE_LEN: usize = 3309;

/// An ML-DSA-65 key pair: the signing key and its verifying key.
///
/// `Debug` shows only the public key.
#[derive(Clone, Debug)]
pub struct DsaKeyPair {
    sk: ml_dsa::SigningKey<MlDsa65>,
    public: DsaPublicKey,
}

impl DsaKeyPair {
    /// Generates a key pair (FIPS 204 `ML-DSA.KeyGen`) from a 32-byte seed drawn from `rng`.
    pub fn generate(rng: &mut Rng) -> DsaKeyPair {
        let sk = ml_dsa::SigningKey::<MlDsa65>::generate_from_rng(rng);
        let public = DsaPublicKey(AsRef::<ml_dsa::VerifyingKey<MlDsa65>>::as_ref(&sk).clone());
        DsaKeyPair { sk, public }
    }

    /// The verifying (public) key.
    pub fn public(&self) -> &DsaPublicKey {
        &self.public
    }

    /// Signs `msg` with the deterministic variant of FIPS 204 `ML-DSA.Sign` and an empty
    /// context: the same key and message always give the same signature.
    pub fn sign(&self, msg: &[u8]) -> DsaSignature {
        DsaSignature(self.sk.sign(msg))
    }
}

/// An ML-DSA-65 verifying (public) key.
#[derive(Clone, Debug, PartialEq)]
pub struct DsaPublicKey(ml_dsa::VerifyingKey<MlDsa65>);

impl DsaPublicKey {
    /// The FIPS 204 encoding, [`DSA_PUBLIC_KEY_LEN`] bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.encode().to_vec()
    }

    /// Decodes a key; `None` unless `bytes` is exactly [`DSA_PUBLIC_KEY_LEN`] long (every
    /// encoding of that length is a key).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let enc = EncodedVerifyingKey::<MlDsa65>::try_from(bytes).ok()?;
        Some(DsaPublicKey(ml_dsa::VerifyingKey::decode(&enc)))
    }
}

/// An ML-DSA-65 signature.
#[derive(Clone, Debug, PartialEq)]
pub struct DsaSignature(ml_dsa::Signature<MlDsa65>);

impl DsaSignature {
    /// The FIPS 204 encoding, [`DSA_SIGNATURE_LEN`] bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.encode().to_vec()
    }

    /// Decodes a signature; `None` if `bytes` is not [`DSA_SIGNATURE_LEN`] long or is not a valid
    /// encoding (malformed hint, or a response vector `z` outside the allowed norm).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        ml_dsa::Signature::<MlDsa65>::try_from(bytes)
            .ok()
            .map(DsaSignature)
    }
}

/// Verifies `sig` over `msg` under `pk` (FIPS 204 `ML-DSA.Verify`, empty context).
pub fn dsa_verify(pk: &DsaPublicKey, msg: &[u8], sig: &DsaSignature) -> bool {
    pk.0.verify(msg, &sig.0).is_ok()
}

// ---------------------------------------------------------------------------------------------
// BLAKE3
// ---------------------------------------------------------------------------------------------

/// Length in bytes of a [`fingerprint`].
pub const FINGERPRINT_LEN: usize = 64;

/// The 32-byte BLAKE3 hash of `data`.
pub fn hash(data: &[u8]) -> [u8; 32] {
    *blake3::hash(data).as_bytes()
}

/// A 64-byte fingerprint of `data`: the first 64 bytes of BLAKE3's extendable output (its first
/// 32 bytes equal [`hash`]).
pub fn fingerprint(data: &[u8]) -> [u8; FINGERPRINT_LEN] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(data);
    let mut out = [0u8; FINGERPRINT_LEN];
    hasher.finalize_xof().fill(&mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// ChaCha20-Poly1305
// ---------------------------------------------------------------------------------------------

/// Length in bytes of the Poly1305 tag that [`seal`] appends.
pub const AEAD_TAG_LEN: usize = 16;

/// Encrypts and authenticates `plaintext`, and authenticates `aad`, with ChaCha20-Poly1305
/// (RFC 8439). Returns the ciphertext followed by the 16-byte tag. A nonce must never be reused
/// with the same key.
pub fn seal(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    ChaCha20Poly1305::new(&(*key).into())
        .encrypt(
            &(*nonce).into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // The only error is a plaintext over ChaCha20's 256 GiB limit per nonce.
        .expect("ChaCha20-Poly1305 plaintext too long")
}

/// Verifies and decrypts what [`seal`] produced; `None` if the tag does not verify (tampered
/// ciphertext or tag, wrong key, nonce or `aad`) or `ciphertext` is shorter than the tag.
pub fn open(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    ChaCha20Poly1305::new(&(*key).into())
        .decrypt(
            &(*nonce).into(),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

// ---------------------------------------------------------------------------------------------
// HKDF-SHA256
// ---------------------------------------------------------------------------------------------

/// HKDF-SHA256 (RFC 5869): extract with `salt` (an empty salt is the RFC's default of zeros),
/// then expand with `info` to a 32-byte key.
pub fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8]) -> [u8; 32] {
    let mut okm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut okm)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    okm
}

#[cfg(test)]
#[path = "crypto_tests.rs"]
mod tests;
