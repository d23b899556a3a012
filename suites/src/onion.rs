//! Onion routing over 1 to [`MAX_HOPS`] hops with post-quantum key exchange.
//!
//! Every hop (relay) owns an ML-KEM-768 key pair. For each hop the sender encapsulates a fresh
//! shared secret to the hop's public key, derives ChaCha20-Poly1305 keys from it with
//! HKDF-SHA256, and seals that hop's layer. A hop peels its layer with [`peel`] and learns only
//! the next hop (or, at the exit, the payload).
//!
//! # Packet format
//!
//! A [`Packet`] is always exactly [`PACKET_LEN`] bytes, at every hop and for every route length
//! from 1 to 7, so neither its size nor its position on the route leaks anything:
//!
//! ```text
//! | header: MAX_HOPS slots of SLOT_LEN bytes (HEADER_LEN)   | cell: CELL_SIZE (4096) bytes |
//! | slot = ML-KEM-768 ciphertext (1088) | sealed routing (49 + 16 tag)                     |
//! | routing = kind (1: relay/exit) | next hop id (32) | Poly1305 tag of this hop's cell (16) |
//! ```
//!
//! A single 4096-byte cell cannot carry the route itself: one ML-KEM-768 ciphertext is 1088
//! bytes, so seven of them (7616 bytes) would not fit. The routing header is therefore a
//! separate fixed-size part (Sphinx-style), sized for [`MAX_HOPS`], and the payload travels in
//! the fixed [`CELL_SIZE`]-byte cell.
//!
//! * **Cell.** The innermost cell is `payload length (u16, big-endian) | payload | random
//!   padding`, [`CELL_SIZE`] bytes, so the payload is at most [`MAX_PAYLOAD`] (4094) bytes.
//!   Each hop's layer is ChaCha20-Poly1305 over the whole inner cell, so every layer's cell is
//!   again exactly [`CELL_SIZE`] bytes; the 16-byte tag of the cell is not appended to it but
//!   carried in that hop's sealed routing information.
//! * **Header.** A hop decapsulates the first slot's ciphertext, opens the slot's routing
//!   information (authenticated together with the rest of the header as associated data, so any
//!   change to the header is detected), then shifts the header left by one slot, appends a slot
//!   of zeros and XORs the whole header with a keystream derived from its shared secret
//!   (BLAKE3 in keyed XOF mode). The appended slot becomes pseudo-random filler, the next hop's
//!   slot moves to the front, and input and output headers share no bytes. The sender
//!   precomputes the fillers so that every hop's associated data is known when it seals.
//!
//! A tampered header or cell, a wrong hop key (ML-KEM's implicit rejection yields an unrelated
//! secret) or a replayed slot all fail authentication at the first hop that sees them.

use std::fmt;

use rand::Rng as _;

use crate::crypto::{self, KemCiphertext, KemKeyPair, KemPublicKey, Rng};

/// Most hops on a route.
pub const MAX_HOPS: usize = 7;
/// Bytes in the payload cell, at every layer.
pub const CELL_SIZE: usize = 4096;
/// Bytes of the payload length prefix inside the innermost cell.
const LENGTH_PREFIX: usize = 2;
/// Largest payload [`build`] accepts: the cell minus the 2-byte length prefix.
pub const MAX_PAYLOAD: usize = CELL_SIZE - LENGTH_PREFIX;
/// Bytes of an ML-KEM-768 ciphertext.
pub const KEM_CIPHERTEXT_LEN: usize = 1088;
/// Bytes of a ChaCha20-Poly1305 tag.
const TAG_LEN: usize = 16;
/// Bytes of a hop's routing information: kind, next hop id, tag of the hop's cell.
const ROUTING_LEN: usize = 1 + 32 + TAG_LEN;
/// Bytes of one header slot: KEM ciphertext and sealed routing information.
pub const SLOT_LEN: usize = KEM_CIPHERTEXT_LEN + ROUTING_LEN + TAG_LEN;
/// Bytes of the routing header.
pub const HEADER_LEN: usize = MAX_HOPS * SLOT_LEN;
/// Bytes of a whole packet: header and cell.
pub const PACKET_LEN: usize = HEADER_LEN + CELL_SIZE;

const KIND_RELAY: u8 = 1;
const KIND_EXIT: u8 = 2;
const HKDF_SALT: &[u8] = b"qudag-bench onion v1";
const NONCE_HEADER: [u8; 12] = *b"onion-header";
const NONCE_CELL: [u8; 12] = *b"onion-cell\0\0";

/// A hop's identifier: BLAKE3 of its ML-KEM public key (see [`node_id`]).
pub type NodeId = [u8; 32];

/// The identifier of the hop owning `public`.
pub fn node_id(public: &KemPublicKey) -> NodeId {
    crypto::hash(&public.to_bytes())
}

/// A hop on a route, as the sender knows it: its identifier and ML-KEM public key.
#[derive(Clone)]
pub struct Hop {
    /// The hop's identifier, given to the previous hop as "next hop".
    pub id: NodeId,
    /// The hop's ML-KEM-768 public key.
    pub public: KemPublicKey,
}

impl Hop {
    /// A hop identified by [`node_id`] of its public key.
    pub fn new(public: KemPublicKey) -> Hop {
        Hop {
            id: node_id(&public),
            public,
        }
    }
}

impl fmt::Debug for Hop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hop").field("id", &hex8(&self.id)).finish()
    }
}

/// An onion packet: exactly [`PACKET_LEN`] bytes (header, then cell).
#[derive(Clone, PartialEq, Eq)]
pub struct Packet {
    bytes: Vec<u8>,
}

impl Packet {
    /// A packet from its wire bytes; fails unless there are exactly [`PACKET_LEN`] of them.
    pub fn from_bytes(bytes: &[u8]) -> Result<Packet, OnionError> {
        if bytes.len() != PACKET_LEN {
            return Err(OnionError::Length(bytes.len()));
        }
        Ok(Packet {
            bytes: bytes.to_vec(),
        })
    }

    /// The wire bytes ([`PACKET_LEN`] of them).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The wire bytes, by value.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// The routing header ([`HEADER_LEN`] bytes).
    pub fn header(&self) -> &[u8] {
        &self.bytes[..HEADER_LEN]
    }

    /// The payload cell ([`CELL_SIZE`] bytes).
    pub fn cell(&self) -> &[u8] {
        &self.bytes[HEADER_LEN..]
    }
}

impl fmt::Debug for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Packet")
            .field("len", &self.bytes.len())
            .field("head", &hex8(&self.bytes))
            .finish()
    }
}

/// What a hop learns by peeling its layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peeled {
    /// Forward `packet` (again [`PACKET_LEN`] bytes) to the hop `next_hop`.
    Relay {
        /// The next hop's identifier.
        next_hop: NodeId,
        /// The packet for the next hop.
        packet: Packet,
    },
    /// This hop is the exit: the sender's payload.
    Exit {
        /// The payload given to [`build`].
        payload: Vec<u8>,
    },
}

/// Why building or peeling failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnionError {
    /// A route must have 1 to [`MAX_HOPS`] hops; this one had this many.
    RouteLength(usize),
    /// The payload exceeds [`MAX_PAYLOAD`]; it had this many bytes.
    PayloadTooLong(usize),
    /// A packet must be [`PACKET_LEN`] bytes; this one had this many.
    Length(usize),
    /// The slot's KEM ciphertext could not be parsed.
    BadCiphertext,
    /// The routing information failed authentication: the header was altered, or the packet is
    /// not for this hop's key.
    HeaderAuthentication,
    /// The cell failed authentication: it was altered.
    CellAuthentication,
    /// The routing information or the innermost cell is authentic but malformed.
    Malformed,
    /// [`peel_path`]: a hop named a next hop other than the path's next key pair, or the path
    /// ended before the exit, or went on after it.
    UnexpectedHop,
}

impl fmt::Display for OnionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OnionError::RouteLength(n) => write!(f, "a route needs 1 to {MAX_HOPS} hops, got {n}"),
            OnionError::PayloadTooLong(n) => {
                write!(f, "payload of {n} bytes exceeds {MAX_PAYLOAD}")
            }
            OnionError::Length(n) => write!(f, "packet of {n} bytes, expected {PACKET_LEN}"),
            OnionError::BadCiphertext => f.write_str("malformed ML-KEM ciphertext"),
            OnionError::HeaderAuthentication => {
                f.write_str("routing header failed authentication (tampered or wrong hop key)")
            }
            OnionError::CellAuthentication => f.write_str("cell failed authentication"),
            OnionError::Malformed => f.write_str("malformed routing information or cell"),
            OnionError::UnexpectedHop => f.write_str("packet left the expected path"),
        }
    }
}

impl std::error::Error for OnionError {}

/// The per-hop keys derived from one ML-KEM shared secret.
struct LayerKeys {
    header: [u8; 32],
    cell: [u8; 32],
    stream: [u8; 32],
}

impl LayerKeys {
    fn derive(secret: &crypto::SharedSecret) -> LayerKeys {
        LayerKeys {
            header: crypto::hkdf_sha256(secret, HKDF_SALT, b"header aead"),
            cell: crypto::hkdf_sha256(secret, HKDF_SALT, b"cell aead"),
            stream: crypto::hkdf_sha256(secret, HKDF_SALT, b"header stream"),
        }
    }

    /// The header keystream ([`HEADER_LEN`] bytes).
    fn keystream(&self) -> Vec<u8> {
        let mut out = vec![0u8; HEADER_LEN];
        blake3::Hasher::new_keyed(&self.stream)
            .finalize_xof()
            .fill(&mut out);
        out
    }
}

fn xor_into(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d ^= s;
    }
}

/// Builds a packet carrying `payload` along `route` (first hop first). Panics where
/// [`try_build`] returns an error.
///
/// # Panics
///
/// If the route has no hop or more than [`MAX_HOPS`], or the payload exceeds [`MAX_PAYLOAD`].
pub fn build(route: &[Hop], payload: &[u8], rng: &mut Rng) -> Packet {
    match try_build(route, payload, rng) {
        Ok(packet) => packet,
        Err(e) => panic!("onion::build: {e}"),
    }
}

/// Builds a packet carrying `payload` along `route` (first hop first): one ML-KEM-768
/// encapsulation, three HKDF-SHA256 derivations and two ChaCha20-Poly1305 seals per hop.
pub fn try_build(route: &[Hop], payload: &[u8], rng: &mut Rng) -> Result<Packet, OnionError> {
    let hops = route.len();
    if hops == 0 || hops > MAX_HOPS {
        return Err(OnionError::RouteLength(hops));
    }
    if payload.len() > MAX_PAYLOAD {
        return Err(OnionError::PayloadTooLong(payload.len()));
    }

    // One encapsulation per hop.
    let mut ciphertexts = Vec::with_capacity(hops);
    let mut keys = Vec::with_capacity(hops);
    for hop in route {
        let (ct, secret) = crypto::kem_encapsulate(&hop.public, rng);
        assert_eq!(
            ct.as_bytes().len(),
            KEM_CIPHERTEXT_LEN,
            "unexpected ML-KEM-768 ciphertext size"
        );
        ciphertexts.push(ct);
        keys.push(LayerKeys::derive(&secret));
    }
    // Keystreams of the hops that forward (all but the exit).
    let streams: Vec<Vec<u8>> = keys[..hops - 1].iter().map(LayerKeys::keystream).collect();

    // Filler: what the forwarding hops' keystreams leave in the tail of the exit's header.
    let mut filler: Vec<u8> = Vec::with_capacity((hops - 1) * SLOT_LEN);
    for stream in &streams {
        filler.resize(filler.len() + SLOT_LEN, 0);
        let start = HEADER_LEN - filler.len();
        xor_into(&mut filler, &stream[start..]);
    }

    // The cell, innermost layer first; each layer's tag goes into that hop's routing slot.
    let mut cell = vec![0u8; CELL_SIZE];
    cell[..LENGTH_PREFIX].copy_from_slice(&(payload.len() as u16).to_be_bytes());
    cell[LENGTH_PREFIX..LENGTH_PREFIX + payload.len()].copy_from_slice(payload);
    rng.fill_bytes(&mut cell[LENGTH_PREFIX + payload.len()..]);
    let mut cell_tags = vec![[0u8; TAG_LEN]; hops];
    for i in (0..hops).rev() {
        let mut sealed = crypto::seal(&keys[i].cell, &NONCE_CELL, &[], &cell);
        cell_tags[i].copy_from_slice(&sealed[CELL_SIZE..]);
        sealed.truncate(CELL_SIZE);
        cell = sealed;
    }

    // The header, exit first: random bytes after the exit's slot, then the filler.
    let mut header = vec![0u8; HEADER_LEN];
    let random_end = HEADER_LEN - filler.len();
    rng.fill_bytes(&mut header[SLOT_LEN..random_end]);
    header[random_end..].copy_from_slice(&filler);
    for i in (0..hops).rev() {
        if i + 1 < hops {
            // Undo hop i's transformation: shift right by a slot, XOR with its keystream.
            header.copy_within(..HEADER_LEN - SLOT_LEN, SLOT_LEN);
            xor_into(
                &mut header[SLOT_LEN..],
                &streams[i][..HEADER_LEN - SLOT_LEN],
            );
        }
        let mut routing = [0u8; ROUTING_LEN];
        if i + 1 < hops {
            routing[0] = KIND_RELAY;
            routing[1..33].copy_from_slice(&route[i + 1].id);
        } else {
            routing[0] = KIND_EXIT;
        }
        routing[33..].copy_from_slice(&cell_tags[i]);
        let sealed = crypto::seal(
            &keys[i].header,
            &NONCE_HEADER,
            &header[SLOT_LEN..],
            &routing,
        );
        header[..KEM_CIPHERTEXT_LEN].copy_from_slice(ciphertexts[i].as_bytes());
        header[KEM_CIPHERTEXT_LEN..SLOT_LEN].copy_from_slice(&sealed);
    }

    header.extend_from_slice(&cell);
    Ok(Packet { bytes: header })
}

/// Peels one layer with this hop's key pair: one ML-KEM-768 decapsulation, three HKDF-SHA256
/// derivations and two ChaCha20-Poly1305 opens. Fails if the packet was altered or is not for
/// this key pair.
pub fn peel(keypair: &KemKeyPair, packet: &Packet) -> Result<Peeled, OnionError> {
    let bytes = packet.as_bytes();
    if bytes.len() != PACKET_LEN {
        return Err(OnionError::Length(bytes.len()));
    }
    let (header, cell) = bytes.split_at(HEADER_LEN);
    let ct = KemCiphertext::from_bytes(&header[..KEM_CIPHERTEXT_LEN])
        .ok_or(OnionError::BadCiphertext)?;
    let keys = LayerKeys::derive(&keypair.decapsulate(&ct));

    let routing = crypto::open(
        &keys.header,
        &NONCE_HEADER,
        &header[SLOT_LEN..],
        &header[KEM_CIPHERTEXT_LEN..SLOT_LEN],
    )
    .ok_or(OnionError::HeaderAuthentication)?;
    if routing.len() != ROUTING_LEN {
        return Err(OnionError::Malformed);
    }

    let mut sealed_cell = Vec::with_capacity(CELL_SIZE + TAG_LEN);
    sealed_cell.extend_from_slice(cell);
    sealed_cell.extend_from_slice(&routing[33..]);
    let inner = crypto::open(&keys.cell, &NONCE_CELL, &[], &sealed_cell)
        .ok_or(OnionError::CellAuthentication)?;
    if inner.len() != CELL_SIZE {
        return Err(OnionError::Malformed);
    }

    match routing[0] {
        KIND_RELAY => {
            let mut next = Vec::with_capacity(PACKET_LEN);
            next.extend_from_slice(&header[SLOT_LEN..]);
            next.resize(HEADER_LEN, 0);
            xor_into(&mut next, &keys.keystream());
            next.extend_from_slice(&inner);
            let mut next_hop = [0u8; 32];
            next_hop.copy_from_slice(&routing[1..33]);
            Ok(Peeled::Relay {
                next_hop,
                packet: Packet { bytes: next },
            })
        }
        KIND_EXIT => {
            let len = u16::from_be_bytes([inner[0], inner[1]]) as usize;
            if len > MAX_PAYLOAD || routing[1..33] != [0u8; 32] {
                return Err(OnionError::Malformed);
            }
            Ok(Peeled::Exit {
                payload: inner[LENGTH_PREFIX..LENGTH_PREFIX + len].to_vec(),
            })
        }
        _ => Err(OnionError::Malformed),
    }
}

/// A route of `hops` fresh ML-KEM-768 key pairs from `rng`: the hops' key pairs (in route
/// order) and the sender's view of the route.
pub fn random_route(hops: usize, rng: &mut Rng) -> (Vec<KemKeyPair>, Vec<Hop>) {
    let keypairs: Vec<KemKeyPair> = (0..hops).map(|_| KemKeyPair::generate(rng)).collect();
    let route = keypairs
        .iter()
        .map(|kp| Hop::new(kp.public().clone()))
        .collect();
    (keypairs, route)
}

/// Peels `packet` at every hop of `path` in turn (the key pairs of the route given to
/// [`build`], in order) and returns the exit's payload. Each relay must name the next key
/// pair's [`node_id`] as its next hop, and the last one must be the exit.
pub fn peel_path(path: &[&KemKeyPair], packet: &Packet) -> Result<Vec<u8>, OnionError> {
    let mut current = packet.clone();
    for (i, keypair) in path.iter().enumerate() {
        match peel(keypair, &current)? {
            Peeled::Relay { next_hop, packet } => {
                let next = path.get(i + 1).ok_or(OnionError::UnexpectedHop)?;
                if next_hop != node_id(next.public()) {
                    return Err(OnionError::UnexpectedHop);
                }
                current = packet;
            }
            Peeled::Exit { payload } => {
                if i + 1 != path.len() {
                    return Err(OnionError::UnexpectedHop);
                }
                return Ok(payload);
            }
        }
    }
    Err(OnionError::UnexpectedHop)
}

fn hex8(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[path = "onion_tests.rs"]
mod tests;
