use super::*;

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

// ----- RNG -----

#[test]
fn rng_is_deterministic() {
    use rand::RngExt as _;
    let (a, b, c): (u64, u64, u64) = (rng(7).random(), rng(7).random(), rng(8).random());
    assert_eq!(a, b);
    assert_ne!(a, c);
}

// ----- ML-KEM-768 -----

#[test]
fn kem_round_trip_and_sizes() {
    let mut r = rng(1);
    let kp = KemKeyPair::generate(&mut r);
    let (ct, ss) = kem_encapsulate(kp.public(), &mut r);
    assert_eq!(kp.decapsulate(&ct), ss);
    assert_eq!(kp.public().to_bytes().len(), KEM_PUBLIC_KEY_LEN);
    assert_eq!(ct.as_bytes().len(), KEM_CIPHERTEXT_LEN);
    assert_ne!(ss, [0u8; 32]);
    // Two encapsulations to the same key give different ciphertexts and secrets.
    let (ct2, ss2) = kem_encapsulate(kp.public(), &mut r);
    assert_ne!(ct2.as_bytes(), ct.as_bytes());
    assert_ne!(ss2, ss);
    assert_eq!(kp.decapsulate(&ct2), ss2);
}

#[test]
fn kem_is_deterministic_per_seed() {
    let a = KemKeyPair::generate(&mut rng(5));
    let b = KemKeyPair::generate(&mut rng(5));
    let c = KemKeyPair::generate(&mut rng(6));
    assert_eq!(a.public(), b.public());
    assert_ne!(a.public(), c.public());
    let (ct_a, ss_a) = kem_encapsulate(a.public(), &mut rng(9));
    let (ct_b, ss_b) = kem_encapsulate(b.public(), &mut rng(9));
    assert_eq!((ct_a, ss_a), (ct_b, ss_b));
}

#[test]
fn kem_bytes_round_trip() {
    let mut r = rng(2);
    let kp = KemKeyPair::generate(&mut r);
    let pk = KemPublicKey::from_bytes(&kp.public().to_bytes()).expect("valid public key");
    assert_eq!(&pk, kp.public());
    let (ct, ss) = kem_encapsulate(&pk, &mut r);
    let ct = KemCiphertext::from_bytes(ct.as_bytes()).expect("valid ciphertext length");
    assert_eq!(kp.decapsulate(&ct), ss);
}

#[test]
fn kem_tampered_ciphertext_takes_implicit_rejection() {
    let mut r = rng(3);
    let kp = KemKeyPair::generate(&mut r);
    let (ct, ss) = kem_encapsulate(kp.public(), &mut r);
    for (pos, bit) in [(0, 0x01), (500, 0x80), (KEM_CIPHERTEXT_LEN - 1, 0x10)] {
        let mut bytes = ct.as_bytes().to_vec();
        bytes[pos] ^= bit;
        let bad = KemCiphertext::from_bytes(&bytes).expect("length unchanged");
        let rejected = kp.decapsulate(&bad);
        assert_ne!(
            rejected, ss,
            "tampered byte {pos} still gave the sender's secret"
        );
        assert_ne!(rejected, [0u8; 32]);
        // Implicit rejection is deterministic: J(z || c), the same for the same ciphertext.
        assert_eq!(kp.decapsulate(&bad), rejected);
    }
}

#[test]
fn kem_other_key_gets_another_secret() {
    let mut r = rng(4);
    let alice = KemKeyPair::generate(&mut r);
    let eve = KemKeyPair::generate(&mut r);
    let (ct, ss) = kem_encapsulate(alice.public(), &mut r);
    assert_ne!(eve.decapsulate(&ct), ss);
}

#[test]
fn kem_from_bytes_rejects_wrong_lengths_and_bad_keys() {
    let kp = KemKeyPair::generate(&mut rng(10));
    let pk = kp.public().to_bytes();
    assert!(KemPublicKey::from_bytes(&pk[..KEM_PUBLIC_KEY_LEN - 1]).is_none());
    assert!(KemPublicKey::from_bytes(&[pk.as_slice(), &[0]].concat()).is_none());
    assert!(KemPublicKey::from_bytes(&[]).is_none());
    // The first 12-bit coefficient set to 0xfff = 4095 >= q = 3329: fails the modulus check.
    let mut bad = pk.clone();
    bad[0] = 0xff;
    bad[1] |= 0x0f;
    assert!(KemPublicKey::from_bytes(&bad).is_none());

    let (ct, _) = kem_encapsulate(kp.public(), &mut rng(11));
    let ct = ct.as_bytes();
    assert!(KemCiphertext::from_bytes(&ct[..KEM_CIPHERTEXT_LEN - 1]).is_none());
    assert!(KemCiphertext::from_bytes(&[ct, &[0]].concat()).is_none());
    assert!(KemCiphertext::from_bytes(&[]).is_none());
}

// ----- ML-DSA-65 -----

#[test]
fn dsa_round_trip_and_sizes() {
    let kp = DsaKeyPair::generate(&mut rng(20));
    for msg in [&b""[..], b"QuDAG vertex", &[0xa5; 5000]] {
        let sig = kp.sign(msg);
        assert!(dsa_verify(kp.public(), msg, &sig));
        assert_eq!(sig.to_bytes().len(), DSA_SIGNATURE_LEN);
        // Deterministic signing.
        assert_eq!(kp.sign(msg), sig);
    }
    assert_eq!(kp.public().to_bytes().len(), DSA_PUBLIC_KEY_LEN);
}

#[test]
fn dsa_is_deterministic_per_seed() {
    let a = DsaKeyPair::generate(&mut rng(21));
    let b = DsaKeyPair::generate(&mut rng(21));
    let c = DsaKeyPair::generate(&mut rng(22));
    assert_eq!(a.public(), b.public());
    assert_ne!(a.public(), c.public());
    assert_eq!(a.sign(b"m").to_bytes(), b.sign(b"m").to_bytes());
}

#[test]
fn dsa_bytes_round_trip() {
    let kp = DsaKeyPair::generate(&mut rng(23));
    let sig = kp.sign(b"round trip");
    let pk = DsaPublicKey::from_bytes(&kp.public().to_bytes()).expect("valid key");
    let sig2 = DsaSignature::from_bytes(&sig.to_bytes()).expect("valid signature");
    assert_eq!(&pk, kp.public());
    assert_eq!(sig2, sig);
    assert!(dsa_verify(&pk, b"round trip", &sig2));
}

#[test]
fn dsa_rejects_altered_message() {
    let kp = DsaKeyPair::generate(&mut rng(24));
    let msg = b"transfer 10 rUv to alice".to_vec();
    let sig = kp.sign(&msg);
    assert!(dsa_verify(kp.public(), &msg, &sig));
    for pos in [0, msg.len() / 2, msg.len() - 1] {
        let mut altered = msg.clone();
        altered[pos] ^= 0x01;
        assert!(!dsa_verify(kp.public(), &altered, &sig), "byte {pos}");
    }
    assert!(!dsa_verify(kp.public(), &msg[..msg.len() - 1], &sig));
    assert!(!dsa_verify(
        kp.public(),
        &[msg.as_slice(), b"!"].concat(),
        &sig
    ));
}

#[test]
fn dsa_rejects_altered_or_forged_signature() {
    let kp = DsaKeyPair::generate(&mut rng(25));
    let msg = b"vertex 42";
    let sig = kp.sign(msg).to_bytes();
    // c~ (challenge hash), z (response) and the hint section: every alteration is either
    // rejected when decoding or fails verification.
    for pos in [0, 47, 48, 1000, 3000, DSA_SIGNATURE_LEN - 90] {
        let mut bad = sig.clone();
        bad[pos] ^= 0x01;
        if let Some(bad) = DsaSignature::from_bytes(&bad) {
            assert!(!dsa_verify(kp.public(), msg, &bad), "flipped byte {pos}");
        }
    }
    // A bit flip in c~ always decodes (any bytes are a valid hash), so verify must reject it.
    let mut bad = sig.clone();
    bad[5] ^= 0x40;
    let bad = DsaSignature::from_bytes(&bad).expect("c~ alterations decode");
    assert!(!dsa_verify(kp.public(), msg, &bad));
    // An all-zero "signature": z is packed as gamma1 - z, so zero bytes mean z = gamma1,
    // outside the norm bound, and decoding already rejects it.
    assert!(DsaSignature::from_bytes(&[0u8; DSA_SIGNATURE_LEN]).is_none());
    // A forgery that decodes: a real signature's z and hints under a made-up challenge c~.
    let mut forged = sig.clone();
    forged[..48].copy_from_slice(&fingerprint(msg)[..48]);
    let forged = DsaSignature::from_bytes(&forged).expect("c~ is any 48 bytes");
    assert!(!dsa_verify(kp.public(), msg, &forged));
    // Another key's valid signature on the same message.
    let other = DsaKeyPair::generate(&mut rng(26));
    assert!(!dsa_verify(kp.public(), msg, &other.sign(msg)));
    // A valid signature on another message.
    assert!(!dsa_verify(kp.public(), msg, &kp.sign(b"vertex 43")));
}

#[test]
fn dsa_from_bytes_rejects_wrong_lengths() {
    let kp = DsaKeyPair::generate(&mut rng(27));
    let pk = kp.public().to_bytes();
    let sig = kp.sign(b"x").to_bytes();
    assert!(DsaPublicKey::from_bytes(&pk[..DSA_PUBLIC_KEY_LEN - 1]).is_none());
    assert!(DsaPublicKey::from_bytes(&[pk.as_slice(), &[0]].concat()).is_none());
    assert!(DsaPublicKey::from_bytes(&[]).is_none());
    assert!(DsaSignature::from_bytes(&sig[..DSA_SIGNATURE_LEN - 1]).is_none());
    assert!(DsaSignature::from_bytes(&[sig.as_slice(), &[0]].concat()).is_none());
    assert!(DsaSignature::from_bytes(&[]).is_none());
    // A signature whose hint section is malformed (more hints than omega = 55 allow).
    let mut bad = sig.clone();
    bad[DSA_SIGNATURE_LEN - 6..].fill(0xff);
    assert!(DsaSignature::from_bytes(&bad).is_none());
}

// ----- BLAKE3 -----

#[test]
fn blake3_known_answers() {
    // BLAKE3 paper / reference implementation: hash("") and hash("abc").
    assert_eq!(
        hash(b"").to_vec(),
        unhex("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
    );
    assert_eq!(
        hash(b"abc").to_vec(),
        unhex("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85")
    );
}

#[test]
fn fingerprint_known_answers() {
    // BLAKE3-team/BLAKE3 test_vectors/test_vectors.json, "hash" (extended output), first
    // 64 bytes, for input_len 0 and 1 (input byte i = i % 251).
    assert_eq!(
        fingerprint(b"").to_vec(),
        unhex(
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262\
             e00f03e7b69af26b7faaf09fcd333050338ddfe085b8cc869ca98b206c08243a"
        )
    );
    assert_eq!(
        fingerprint(&[0]).to_vec(),
        unhex(
            "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213\
             c3a6cb8bf623e20cdb535f8d1a5ffb86342d9c0b64aca3bce1d31f60adfa137b"
        )
    );
    let data = vec![9u8; 3000];
    assert_eq!(fingerprint(&data)[..32], hash(&data));
    assert_ne!(fingerprint(&data), fingerprint(&data[1..]));
}

// ----- ChaCha20-Poly1305 -----

// RFC 8439 section 2.8.2 (AEAD_CHACHA20_POLY1305 example).
const RFC8439_PLAINTEXT: &[u8] = b"Ladies and Gentlemen of the class of '99: \
    If I could offer you only one tip for the future, sunscreen would be it.";

fn rfc8439_key_nonce_aad() -> ([u8; 32], [u8; 12], Vec<u8>) {
    let key: [u8; 32] = core::array::from_fn(|i| 0x80 + i as u8);
    let nonce: [u8; 12] = unhex("070000004041424344454647").try_into().unwrap();
    (key, nonce, unhex("50515253c0c1c2c3c4c5c6c7"))
}

#[test]
fn aead_known_answer_rfc8439() {
    let (key, nonce, aad) = rfc8439_key_nonce_aad();
    let expected = unhex(
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
         3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
         92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
         3ff4def08e4b7a9de576d26586cec64b6116\
         1ae10b594f09e26a7e902ecbd0600691",
    );
    assert_eq!(seal(&key, &nonce, &aad, RFC8439_PLAINTEXT), expected);
    assert_eq!(
        open(&key, &nonce, &aad, &expected).as_deref(),
        Some(RFC8439_PLAINTEXT)
    );
}

#[test]
fn aead_round_trip() {
    let key = [7u8; 32];
    let nonce = [1u8; 12];
    for len in [0, 1, 64, 4096] {
        let pt = vec![0x5a; len];
        let ct = seal(&key, &nonce, b"hdr", &pt);
        assert_eq!(ct.len(), len + AEAD_TAG_LEN);
        assert_eq!(open(&key, &nonce, b"hdr", &ct), Some(pt));
    }
}

#[test]
fn aead_rejects_tampering_and_wrong_inputs() {
    let (key, nonce, aad) = rfc8439_key_nonce_aad();
    let ct = seal(&key, &nonce, &aad, RFC8439_PLAINTEXT);
    // Any flipped bit, in the ciphertext body or in the tag.
    for pos in [
        0,
        RFC8439_PLAINTEXT.len() - 1,
        ct.len() - AEAD_TAG_LEN,
        ct.len() - 1,
    ] {
        let mut bad = ct.clone();
        bad[pos] ^= 0x01;
        assert_eq!(open(&key, &nonce, &aad, &bad), None, "flipped byte {pos}");
    }
    assert_eq!(open(&key, &nonce, b"other aad", &ct), None);
    assert_eq!(open(&key, &nonce, &[], &ct), None);
    let mut other_nonce = nonce;
    other_nonce[11] ^= 1;
    assert_eq!(open(&key, &other_nonce, &aad, &ct), None);
    let mut other_key = key;
    other_key[0] ^= 1;
    assert_eq!(open(&other_key, &nonce, &aad, &ct), None);
    assert_eq!(open(&key, &nonce, &aad, &ct[..ct.len() - 1]), None);
    assert_eq!(open(&key, &nonce, &aad, &ct[..AEAD_TAG_LEN - 1]), None);
    assert_eq!(open(&key, &nonce, &aad, &[]), None);
}

// ----- HKDF-SHA256 -----

#[test]
fn hkdf_known_answers_rfc5869() {
    // RFC 5869 appendix A.1 (test case 1, SHA-256): the first 32 bytes of the 42-byte OKM
    // (HKDF-Expand's first block does not depend on L).
    let ikm = [0x0bu8; 22];
    let salt = unhex("000102030405060708090a0b0c");
    let info = unhex("f0f1f2f3f4f5f6f7f8f9");
    assert_eq!(
        hkdf_sha256(&ikm, &salt, &info).to_vec(),
        unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf")
    );
    // RFC 5869 appendix A.3 (test case 3, SHA-256): empty salt and info.
    assert_eq!(
        hkdf_sha256(&ikm, &[], &[]).to_vec(),
        unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d")
    );
}

#[test]
fn hkdf_separates_inputs() {
    let base = hkdf_sha256(b"ikm", b"salt", b"info");
    assert_ne!(hkdf_sha256(b"ikm!", b"salt", b"info"), base);
    assert_ne!(hkdf_sha256(b"ikm", b"salt!", b"info"), base);
    assert_ne!(hkdf_sha256(b"ikm", b"salt", b"info!"), base);
}

// ----- The primitives together: a KEM-derived AEAD key -----

#[test]
fn kem_secret_keys_aead_and_rejection_breaks_it() {
    let mut r = rng(30);
    let kp = KemKeyPair::generate(&mut r);
    let (ct, ss) = kem_encapsulate(kp.public(), &mut r);
    let key = hkdf_sha256(&ss, b"", b"qudag onion layer");
    let sealed = seal(&key, &[0; 12], b"", b"payload");

    let key_rx = hkdf_sha256(&kp.decapsulate(&ct), b"", b"qudag onion layer");
    assert_eq!(
        open(&key_rx, &[0; 12], b"", &sealed).as_deref(),
        Some(&b"payload"[..])
    );

    let mut bad = ct.as_bytes().to_vec();
    bad[100] ^= 0x04;
    let bad = KemCiphertext::from_bytes(&bad).unwrap();
    let key_bad = hkdf_sha256(&kp.decapsulate(&bad), b"", b"qudag onion layer");
    assert_eq!(open(&key_bad, &[0; 12], b"", &sealed), None);
}
