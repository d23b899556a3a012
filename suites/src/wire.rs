//! QuDAG-like network messages: a hand-written length-prefixed binary encoding, messages
//! signed with ML-DSA-65, and a post-quantum handshake (ML-KEM-768 + ML-DSA-65).
//!
//! # Message encoding
//!
//! All integers are big-endian:
//!
//! ```text
//! version (u8 = 1) | id (32) | timestamp (u64) | sender length (u32) | sender public key bytes
//!                  | payload length (u32) | payload
//! ```
//!
//! [`Message::decode`] rejects truncated input, trailing bytes, an unknown version and lengths
//! above [`MAX_SENDER_LEN`] / [`MAX_PAYLOAD_LEN`].
//!
//! # Signed messages
//!
//! [`SignedMessage`] is the encoding and an ML-DSA-65 signature over it, made by the key whose
//! public bytes are the message's `sender`; [`SignedMessage::verify`] decodes and checks the
//! signature against that embedded key. On the wire ([`SignedMessage::to_bytes`]):
//! `encoding length (u32) | encoding | signature length (u32) | signature`.

use std::fmt;

use crate::crypto::{
    self, DsaKeyPair, DsaPublicKey, DsaSignature, KemCiphertext, KemKeyPair, KemPublicKey, Rng,
};

/// The encoding's version byte.
pub const VERSION: u8 = 1;
/// Largest sender public key accepted, in bytes (an ML-DSA-65 public key is 1952).
pub const MAX_SENDER_LEN: usize = 4096;
/// Largest payload accepted, in bytes.
pub const MAX_PAYLOAD_LEN: usize = 16 << 20;
/// Bytes of a message's fixed fields and length prefixes.
const FIXED_LEN: usize = 1 + 32 + 8 + 4 + 4;
/// Largest valid encoding, in bytes.
pub const MAX_ENCODED_LEN: usize = FIXED_LEN + MAX_SENDER_LEN + MAX_PAYLOAD_LEN;
/// Largest signature accepted by [`SignedMessage::from_bytes`] (an ML-DSA-65 signature is 3309).
const MAX_SIGNATURE_LEN: usize = 8192;

/// A message's identifier.
pub type MessageId = [u8; 32];

/// A network message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message's identifier (see [`Message::new`]).
    pub id: MessageId,
    /// The sender's public key bytes (ML-DSA-65 for signed messages).
    pub sender: Vec<u8>,
    /// Sender's timestamp, for example milliseconds since the Unix epoch.
    pub timestamp: u64,
    /// The application payload.
    pub payload: Vec<u8>,
}

/// Why decoding or verifying failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The input ended early: `needed` more bytes at offset `at`.
    Truncated {
        /// Offset where the missing field starts.
        at: usize,
        /// Bytes the field needs.
        needed: usize,
    },
    /// Bytes were left over after a complete value.
    TrailingBytes(usize),
    /// A length field (or the whole input) exceeds its maximum.
    TooLong {
        /// Which field.
        field: &'static str,
        /// The length found.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// The version byte is not [`VERSION`].
    BadVersion(u8),
    /// The sender bytes are not a valid ML-DSA-65 public key.
    BadSenderKey,
    /// The signature bytes are malformed, or the signature does not verify.
    BadSignature,
    /// The message's `sender` is not the key [`SignedMessage::sign`] signed with.
    SenderMismatch,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Truncated { at, needed } => {
                write!(f, "truncated input: {needed} bytes needed at offset {at}")
            }
            WireError::TrailingBytes(n) => write!(f, "{n} trailing bytes"),
            WireError::TooLong { field, len, max } => {
                write!(f, "{field} of {len} bytes exceeds {max}")
            }
            WireError::BadVersion(v) => write!(f, "unknown version {v}"),
            WireError::BadSenderKey => f.write_str("sender is not an ML-DSA-65 public key"),
            WireError::BadSignature => f.write_str("signature does not verify"),
            WireError::SenderMismatch => f.write_str("sender is not the signing key"),
        }
    }
}

impl std::error::Error for WireError {}

/// Reads fields from a byte slice, failing on truncation.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let rest = &self.bytes[self.at..];
        if rest.len() < n {
            return Err(WireError::Truncated {
                at: self.at,
                needed: n,
            });
        }
        self.at += n;
        Ok(&rest[..n])
    }

    fn u32(&mut self) -> Result<usize, WireError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    /// A u32 length prefix (at most `max`), then that many bytes.
    fn prefixed(&mut self, field: &'static str, max: usize) -> Result<&'a [u8], WireError> {
        let len = self.u32()?;
        if len > max {
            return Err(WireError::TooLong { field, len, max });
        }
        self.take(len)
    }

    fn finish(&self) -> Result<(), WireError> {
        match self.bytes.len() - self.at {
            0 => Ok(()),
            n => Err(WireError::TrailingBytes(n)),
        }
    }
}

impl Message {
    /// A message whose id is the BLAKE3 hash (domain-separated) of its other fields.
    pub fn new(sender: Vec<u8>, timestamp: u64, payload: Vec<u8>) -> Message {
        let mut hasher = blake3::Hasher::new_derive_key("qudag-bench wire message id v1");
        hasher.update(&(sender.len() as u64).to_be_bytes());
        hasher.update(&sender);
        hasher.update(&timestamp.to_be_bytes());
        hasher.update(&payload);
        Message {
            id: *hasher.finalize().as_bytes(),
            sender,
            timestamp,
            payload,
        }
    }

    /// Bytes of [`Message::encode`]'s output.
    pub fn encoded_len(&self) -> usize {
        FIXED_LEN + self.sender.len() + self.payload.len()
    }

    /// The binary encoding (see the module docs).
    ///
    /// # Panics
    ///
    /// If the sender or payload exceeds [`MAX_SENDER_LEN`] / [`MAX_PAYLOAD_LEN`]: such a message
    /// could not be decoded.
    pub fn encode(&self) -> Vec<u8> {
        assert!(
            self.sender.len() <= MAX_SENDER_LEN,
            "sender of {} bytes exceeds {MAX_SENDER_LEN}",
            self.sender.len()
        );
        assert!(
            self.payload.len() <= MAX_PAYLOAD_LEN,
            "payload of {} bytes exceeds {MAX_PAYLOAD_LEN}",
            self.payload.len()
        );
        let mut out = Vec::with_capacity(self.encoded_len());
        out.push(VERSION);
        out.extend_from_slice(&self.id);
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&(self.sender.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.sender);
        out.extend_from_slice(&(self.payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    /// Decodes exactly one message: truncated, over-long or trailing input is an error.
    pub fn decode(bytes: &[u8]) -> Result<Message, WireError> {
        if bytes.len() > MAX_ENCODED_LEN {
            return Err(WireError::TooLong {
                field: "message",
                len: bytes.len(),
                max: MAX_ENCODED_LEN,
            });
        }
        let mut r = Reader { bytes, at: 0 };
        let version = r.take(1)?[0];
        if version != VERSION {
            return Err(WireError::BadVersion(version));
        }
        let mut id = [0u8; 32];
        id.copy_from_slice(r.take(32)?);
        let mut ts = [0u8; 8];
        ts.copy_from_slice(r.take(8)?);
        let sender = r.prefixed("sender", MAX_SENDER_LEN)?.to_vec();
        let payload = r.prefixed("payload", MAX_PAYLOAD_LEN)?.to_vec();
        r.finish()?;
        Ok(Message {
            id,
            sender,
            timestamp: u64::from_be_bytes(ts),
            payload,
        })
    }
}

/// A message's encoding with an ML-DSA-65 signature over it.
#[derive(Clone)]
pub struct SignedMessage {
    encoded: Vec<u8>,
    signature: DsaSignature,
}

impl SignedMessage {
    /// Encodes `message` and signs the encoding with `keypair`.
    ///
    /// # Panics
    ///
    /// If `message.sender` is not `keypair`'s public key bytes (the signature could never
    /// verify), or as [`Message::encode`] does.
    pub fn sign(message: &Message, keypair: &DsaKeyPair) -> SignedMessage {
        assert!(
            message.sender == keypair.public().to_bytes(),
            "{}",
            WireError::SenderMismatch
        );
        let encoded = message.encode();
        let signature = keypair.sign(&encoded);
        SignedMessage { encoded, signature }
    }

    /// The signed encoding.
    pub fn encoded(&self) -> &[u8] {
        &self.encoded
    }

    /// The signature.
    pub fn signature(&self) -> &DsaSignature {
        &self.signature
    }

    /// Decodes the message and verifies the signature with the message's own `sender` key.
    pub fn verify(&self) -> Result<Message, WireError> {
        let message = Message::decode(&self.encoded)?;
        let key = DsaPublicKey::from_bytes(&message.sender).ok_or(WireError::BadSenderKey)?;
        if !crypto::dsa_verify(&key, &self.encoded, &self.signature) {
            return Err(WireError::BadSignature);
        }
        Ok(message)
    }

    /// Like [`SignedMessage::verify`], and the sender must be `expected`.
    pub fn verify_from(&self, expected: &DsaPublicKey) -> Result<Message, WireError> {
        let message = self.verify()?;
        if message.sender != expected.to_bytes() {
            return Err(WireError::SenderMismatch);
        }
        Ok(message)
    }

    /// The wire form (see the module docs).
    pub fn to_bytes(&self) -> Vec<u8> {
        let sig = self.signature.to_bytes();
        let mut out = Vec::with_capacity(8 + self.encoded.len() + sig.len());
        out.extend_from_slice(&(self.encoded.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.encoded);
        out.extend_from_slice(&(sig.len() as u32).to_be_bytes());
        out.extend_from_slice(&sig);
        out
    }

    /// Parses the wire form; the signature is not checked until [`SignedMessage::verify`].
    pub fn from_bytes(bytes: &[u8]) -> Result<SignedMessage, WireError> {
        let mut r = Reader { bytes, at: 0 };
        let encoded = r.prefixed("message", MAX_ENCODED_LEN)?.to_vec();
        let sig = r.prefixed("signature", MAX_SIGNATURE_LEN)?;
        r.finish()?;
        let signature = DsaSignature::from_bytes(sig).ok_or(WireError::BadSignature)?;
        Ok(SignedMessage { encoded, signature })
    }
}

impl fmt::Debug for SignedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedMessage")
            .field("encoded_len", &self.encoded.len())
            .finish_non_exhaustive()
    }
}

/// A post-quantum handshake between two nodes with ML-DSA-65 identities: the initiator
/// encapsulates to the responder's ML-KEM-768 key and signs the transcript; the responder
/// verifies the signature and decapsulates. Both derive the same session key with
/// HKDF-SHA256 over the shared secret, salted with the transcript hash.
pub mod handshake {
    use super::*;

    const LABEL: &[u8] = b"qudag-bench handshake v1";

    /// A node's long-term keys for the handshake.
    pub struct Identity {
        /// The node's ML-DSA-65 signing key pair.
        pub dsa: DsaKeyPair,
        /// The node's ML-KEM-768 key pair (used when the node responds).
        pub kem: KemKeyPair,
    }

    impl Identity {
        /// Generates both key pairs.
        pub fn generate(rng: &mut Rng) -> Identity {
            Identity {
                dsa: DsaKeyPair::generate(rng),
                kem: KemKeyPair::generate(rng),
            }
        }

        /// What peers know of this node.
        pub fn peer(&self) -> Peer {
            Peer::new(self.dsa.public().clone(), self.kem.public().clone())
        }
    }

    /// What a node knows of a peer: its public keys, and their hash (bound in transcripts).
    #[derive(Clone)]
    pub struct Peer {
        /// The peer's ML-DSA-65 public key.
        pub dsa: DsaPublicKey,
        /// The peer's ML-KEM-768 public key.
        pub kem: KemPublicKey,
        /// BLAKE3 of both public keys' bytes.
        pub fingerprint: [u8; 32],
    }

    impl Peer {
        /// A peer from its public keys.
        pub fn new(dsa: DsaPublicKey, kem: KemPublicKey) -> Peer {
            let mut hasher = blake3::Hasher::new();
            hasher.update(&dsa.to_bytes());
            hasher.update(&kem.to_bytes());
            Peer {
                dsa,
                kem,
                fingerprint: *hasher.finalize().as_bytes(),
            }
        }
    }

    /// The initiator's one message: the KEM ciphertext and a signature of the transcript.
    #[derive(Clone)]
    pub struct Hello {
        /// ML-KEM-768 ciphertext to the responder's key.
        pub ciphertext: KemCiphertext,
        /// ML-DSA-65 signature of the transcript by the initiator.
        pub signature: DsaSignature,
    }

    /// A session key (32 bytes).
    pub type SessionKey = [u8; 32];

    fn transcript(initiator: &[u8; 32], responder: &[u8; 32], ct: &KemCiphertext) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new();
        hasher.update(LABEL);
        hasher.update(initiator);
        hasher.update(responder);
        hasher.update(ct.as_bytes());
        *hasher.finalize().as_bytes()
    }

    fn session_key(secret: &crypto::SharedSecret, transcript: &[u8; 32]) -> SessionKey {
        crypto::hkdf_sha256(secret, transcript, b"qudag-bench session key")
    }

    /// The initiator's side: encapsulate to `responder`, sign the transcript.
    pub fn initiate(
        me: &Identity,
        my_fingerprint: &[u8; 32],
        responder: &Peer,
        rng: &mut Rng,
    ) -> (Hello, SessionKey) {
        let (ciphertext, secret) = crypto::kem_encapsulate(&responder.kem, rng);
        let t = transcript(my_fingerprint, &responder.fingerprint, &ciphertext);
        let signature = me.dsa.sign(&t);
        (
            Hello {
                ciphertext,
                signature,
            },
            session_key(&secret, &t),
        )
    }

    /// The responder's side: verify the initiator's signature, decapsulate.
    pub fn respond(
        me: &Identity,
        my_fingerprint: &[u8; 32],
        initiator: &Peer,
        hello: &Hello,
    ) -> Result<SessionKey, WireError> {
        let t = transcript(&initiator.fingerprint, my_fingerprint, &hello.ciphertext);
        if !crypto::dsa_verify(&initiator.dsa, &t, &hello.signature) {
            return Err(WireError::BadSignature);
        }
        Ok(session_key(&me.kem.decapsulate(&hello.ciphertext), &t))
    }
}

#[cfg(test)]
mod tests {
    use super::handshake::{Hello, Identity, initiate, respond};
    use super::*;

    fn signer(seed: u64) -> DsaKeyPair {
        DsaKeyPair::generate(&mut crypto::rng(seed))
    }

    fn message(kp: &DsaKeyPair, len: usize) -> Message {
        let payload = (0..len).map(|i| (i % 251) as u8).collect();
        Message::new(kp.public().to_bytes(), 1_700_000_000_000, payload)
    }

    #[test]
    fn round_trip() {
        let kp = signer(1);
        for len in [0, 1, 512, 65536] {
            let msg = message(&kp, len);
            let bytes = msg.encode();
            assert_eq!(bytes.len(), msg.encoded_len());
            assert_eq!(Message::decode(&bytes).unwrap(), msg, "len {len}");
        }
        let msg = message(&kp, 300);
        let signed = SignedMessage::sign(&msg, &kp);
        assert_eq!(signed.verify().unwrap(), msg);
        assert_eq!(signed.verify_from(kp.public()).unwrap(), msg);
        let wire = signed.to_bytes();
        let parsed = SignedMessage::from_bytes(&wire).unwrap();
        assert_eq!(parsed.encoded(), signed.encoded());
        assert_eq!(parsed.verify().unwrap(), msg);
    }

    #[test]
    fn truncated_input_rejected() {
        let msg = Message::new(vec![9; 40], 7, vec![1, 2, 3, 4, 5]);
        let bytes = msg.encode();
        for len in 0..bytes.len() {
            assert!(
                matches!(
                    Message::decode(&bytes[..len]),
                    Err(WireError::Truncated { .. })
                ),
                "prefix of {len} bytes"
            );
        }
        let kp = signer(2);
        let wire = SignedMessage::sign(&message(&kp, 10), &kp).to_bytes();
        for len in [0, 3, 4, 100, wire.len() - 1] {
            assert!(
                matches!(
                    SignedMessage::from_bytes(&wire[..len]),
                    Err(WireError::Truncated { .. })
                ),
                "signed prefix of {len} bytes"
            );
        }
    }

    #[test]
    fn over_long_input_rejected() {
        let msg = Message::new(vec![9; 40], 7, vec![1, 2, 3]);
        let mut bytes = msg.encode();
        bytes.push(0);
        assert_eq!(Message::decode(&bytes), Err(WireError::TrailingBytes(1)));
        // A length prefix above the maximum is rejected before anything is read.
        let mut bytes = msg.encode();
        bytes[41..45].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            Message::decode(&bytes),
            Err(WireError::TooLong {
                field: "sender",
                ..
            })
        ));
        let huge = vec![0u8; MAX_ENCODED_LEN + 1];
        assert!(matches!(
            Message::decode(&huge),
            Err(WireError::TooLong {
                field: "message",
                ..
            })
        ));
        let mut bytes = msg.encode();
        bytes[0] = 2;
        assert_eq!(Message::decode(&bytes), Err(WireError::BadVersion(2)));
    }

    #[test]
    fn altered_byte_fails_verification() {
        let kp = signer(3);
        let msg = message(&kp, 64);
        let signed = SignedMessage::sign(&msg, &kp);
        let wire = signed.to_bytes();
        let enc_len = signed.encoded().len();
        // Positions in the id, timestamp, sender key, payload and signature.
        let positions = [
            4 + 1,
            4 + 33,
            4 + 45,
            4 + 45 + 1000,
            4 + enc_len - 1,
            4 + enc_len + 4,
            wire.len() / 2 + 2000,
            wire.len() - 1,
        ];
        for pos in positions {
            let mut altered = wire.clone();
            altered[pos] ^= 0x04;
            let result = SignedMessage::from_bytes(&altered).and_then(|s| s.verify());
            assert!(result.is_err(), "byte {pos} altered but verified");
        }
        // A valid signature by another key does not verify for this sender.
        let other = signer(4);
        let forged = SignedMessage {
            encoded: msg.encode(),
            signature: other.sign(&msg.encode()),
        };
        assert_eq!(forged.verify().unwrap_err(), WireError::BadSignature);
        assert_eq!(
            SignedMessage::sign(&message(&other, 64), &other)
                .verify_from(kp.public())
                .unwrap_err(),
            WireError::SenderMismatch
        );
    }

    #[test]
    fn handshake_agrees_and_rejects_forgery() {
        let mut rng = crypto::rng(5);
        let alice = Identity::generate(&mut rng);
        let bob = Identity::generate(&mut rng);
        let (alice_peer, bob_peer) = (alice.peer(), bob.peer());
        let (hello, key_a) = initiate(&alice, &alice_peer.fingerprint, &bob_peer, &mut rng);
        let key_b = respond(&bob, &bob_peer.fingerprint, &alice_peer, &hello).unwrap();
        assert_eq!(key_a, key_b);

        // Signed by someone else: rejected.
        let mallory = Identity::generate(&mut rng);
        let (forged, _) = initiate(&mallory, &alice_peer.fingerprint, &bob_peer, &mut rng);
        assert_eq!(
            respond(&bob, &bob_peer.fingerprint, &alice_peer, &forged).unwrap_err(),
            WireError::BadSignature
        );
        // A swapped ciphertext breaks the transcript signature.
        let (other, _) = initiate(&alice, &alice_peer.fingerprint, &bob_peer, &mut rng);
        let spliced = Hello {
            ciphertext: other.ciphertext,
            signature: hello.signature.clone(),
        };
        assert_eq!(
            respond(&bob, &bob_peer.fingerprint, &alice_peer, &spliced).unwrap_err(),
            WireError::BadSignature
        );
    }
}
