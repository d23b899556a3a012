//! A QuDAG-like DAG of signed vertices.
//!
//! A [`Vertex`] names its parents by id; its id is the BLAKE3 hash of its content (parents,
//! author public key bytes, round, payload) and its author signs the id with ML-DSA-65. A
//! [`Dag`] accepts a vertex only when the id matches the content, the signature verifies (unless
//! the caller explicitly skips signature verification, see [`Dag::insert_trusted`]), every
//! parent is already present, its round is after every parent's round, it does not name itself
//! and it is not already present. Because parents must exist before their children, insertion
//! order is always a topological order and cycles cannot form.
//!
//! The DAG tracks its tips (vertices without children) and offers three tip selections: uniform
//! ([`Dag::uniform_tip`]), weighted by height ([`Dag::weighted_tip`]) and the IOTA-style MCMC
//! random walk biased by cumulative weight ([`Dag::mcmc_tip`]). [`Dag::topological_order`] is
//! Kahn's algorithm and [`Dag::is_topological`] checks any order.
//!
//! [`generate`], [`generate_unsigned`] and [`generate_signed`] build deterministic, round-based
//! DAG shapes from a seeded RNG for tests and benchmarks.

use crate::crypto::{DsaKeyPair, DsaPublicKey, DsaSignature, Rng, dsa_verify};
use rand::RngExt;
use std::fmt;
use std::sync::Arc;

mod generate;
mod graph;
#[cfg(test)]
mod tests;

pub use generate::{Shape, generate, generate_signed, generate_unsigned, random_child};
pub use graph::Dag;

/// A vertex id: BLAKE3 of the vertex content (see [`Vertex::compute_id`]).
pub type VertexId = [u8; 32];

/// The most parents a vertex may name.
pub const MAX_PARENTS: usize = 8;

/// Domain separation of the id hash.
const ID_DOMAIN: &[u8] = b"qudag-vertex-id-v1";
/// Domain separation of the signed message.
const SIG_DOMAIN: &[u8] = b"qudag-vertex-sig-v1";
/// `tip_pos` value of a vertex that is not a tip.
const NOT_TIP: u32 = u32::MAX;

/// A vertex author: an ML-DSA-65 public key with its encoding cached (the encoding is hashed
/// into every id the author makes).
pub struct Author {
    public: DsaPublicKey,
    bytes: Box<[u8]>,
}

impl Author {
    /// Wraps a public key.
    pub fn new(public: DsaPublicKey) -> Author {
        let bytes = public.to_bytes().into_boxed_slice();
        Author { public, bytes }
    }

    /// Decodes a public key; `None` if the bytes are not a valid key encoding.
    pub fn from_bytes(bytes: &[u8]) -> Option<Author> {
        DsaPublicKey::from_bytes(bytes).map(Author::new)
    }

    /// The public key.
    pub fn public(&self) -> &DsaPublicKey {
        &self.public
    }

    /// The public key's encoding.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for Author {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fp = blake3::hash(&self.bytes);
        write!(f, "Author({})", short_hex(fp.as_bytes()))
    }
}

/// An author's key pair, able to make signed vertices.
pub struct Signer {
    keys: DsaKeyPair,
    author: Arc<Author>,
}

impl Signer {
    /// Generates an ML-DSA-65 key pair from `rng`.
    pub fn generate(rng: &mut Rng) -> Signer {
        let keys = DsaKeyPair::generate(rng);
        let author = Arc::new(Author::new(keys.public().clone()));
        Signer { keys, author }
    }

    /// The public half, shared by every vertex this signer makes.
    pub fn author(&self) -> &Arc<Author> {
        &self.author
    }

    /// Makes a vertex with its id computed and signed (one ML-DSA-65 signature).
    pub fn vertex(&self, parents: Vec<VertexId>, round: u64, payload: Vec<u8>) -> Vertex {
        let mut v = Vertex::unsigned(self.author.clone(), parents, round, payload);
        v.signature = Some(Arc::new(self.keys.sign(&signing_message(&v.id))));
        v
    }

    /// Signs an arbitrary vertex's current id (used to build forgeries in tests: a vertex
    /// claiming another author but signed with this key).
    pub fn sign_id(&self, id: &VertexId) -> DsaSignature {
        self.keys.sign(&signing_message(id))
    }
}

/// A DAG vertex. The fields are public so that tests can tamper with them; [`Dag::insert`]
/// re-checks everything.
#[derive(Clone)]
pub struct Vertex {
    /// BLAKE3 of the content; see [`Vertex::compute_id`].
    pub id: VertexId,
    /// Parent ids (empty only for the genesis vertex).
    pub parents: Vec<VertexId>,
    /// The author, whose key must verify `signature`.
    pub author: Arc<Author>,
    /// Logical round (timestamp): strictly greater than every parent's round.
    pub round: u64,
    /// Application payload.
    pub payload: Vec<u8>,
    /// ML-DSA-65 signature of the id by `author`; `None` for structure-only vertices that were
    /// never signed (bulk benchmark DAGs), which only [`Dag::insert_trusted`] accepts.
    pub signature: Option<Arc<DsaSignature>>,
}

impl Vertex {
    /// A vertex with its id computed but no signature (structure-only).
    pub fn unsigned(
        author: Arc<Author>,
        parents: Vec<VertexId>,
        round: u64,
        payload: Vec<u8>,
    ) -> Vertex {
        let id = compute_id(&parents, author.bytes(), round, &payload);
        Vertex {
            id,
            parents,
            author,
            round,
            payload,
            signature: None,
        }
    }

    /// The id this vertex's content hashes to: BLAKE3 over a domain tag, the parent count and
    /// ids, the author key length and bytes, the round and the payload length and bytes.
    pub fn compute_id(&self) -> VertexId {
        compute_id(
            &self.parents,
            self.author.bytes(),
            self.round,
            &self.payload,
        )
    }

    /// Whether `id` matches the content.
    pub fn id_matches(&self) -> bool {
        self.compute_id() == self.id
    }

    /// Whether the signature is present and verifies for `id` under `author` (the id itself is
    /// not recomputed here).
    pub fn signature_verifies(&self) -> bool {
        match &self.signature {
            Some(sig) => dsa_verify(self.author.public(), &signing_message(&self.id), sig),
            None => false,
        }
    }
}

impl fmt::Debug for Vertex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vertex")
            .field("id", &short_hex(&self.id))
            .field("parents", &self.parents.len())
            .field("author", &self.author)
            .field("round", &self.round)
            .field("payload_len", &self.payload.len())
            .field("signed", &self.signature.is_some())
            .finish()
    }
}

fn compute_id(parents: &[VertexId], author: &[u8], round: u64, payload: &[u8]) -> VertexId {
    let mut h = blake3::Hasher::new();
    h.update(ID_DOMAIN);
    h.update(&(parents.len() as u32).to_le_bytes());
    for p in parents {
        h.update(p);
    }
    h.update(&(author.len() as u32).to_le_bytes());
    h.update(author);
    h.update(&round.to_le_bytes());
    h.update(&(payload.len() as u64).to_le_bytes());
    h.update(payload);
    *h.finalize().as_bytes()
}

/// The message an author signs for a vertex: a domain tag followed by the id.
fn signing_message(id: &VertexId) -> [u8; SIG_DOMAIN.len() + 32] {
    let mut m = [0u8; SIG_DOMAIN.len() + 32];
    m[..SIG_DOMAIN.len()].copy_from_slice(SIG_DOMAIN);
    m[SIG_DOMAIN.len()..].copy_from_slice(id);
    m
}

fn short_hex(bytes: &[u8]) -> String {
    bytes.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Why a vertex was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DagError {
    /// A vertex without parents, but the DAG already has its genesis.
    NoParents,
    /// More than [`MAX_PARENTS`] parents.
    TooManyParents(usize),
    /// The vertex names its own id as a parent.
    SelfReference,
    /// The same parent is named twice.
    DuplicateParent(VertexId),
    /// The id does not match the content (tampered or corrupted vertex).
    IdMismatch,
    /// A vertex with this id is already in the DAG.
    Duplicate,
    /// A parent is not in the DAG.
    UnknownParent(VertexId),
    /// The round is not after this parent's round.
    RoundNotAfterParent(VertexId),
    /// No signature, and signature verification was requested.
    MissingSignature,
    /// The signature does not verify under the author's key.
    BadSignature,
}

impl fmt::Display for DagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DagError::NoParents => write!(f, "vertex has no parents but the DAG has a genesis"),
            DagError::TooManyParents(n) => write!(f, "{n} parents (at most {MAX_PARENTS})"),
            DagError::SelfReference => write!(f, "vertex names itself as a parent"),
            DagError::DuplicateParent(p) => write!(f, "parent {} named twice", short_hex(p)),
            DagError::IdMismatch => write!(f, "vertex id does not match its content"),
            DagError::Duplicate => write!(f, "vertex already in the DAG"),
            DagError::UnknownParent(p) => write!(f, "unknown parent {}", short_hex(p)),
            DagError::RoundNotAfterParent(p) => {
                write!(f, "round not after the round of parent {}", short_hex(p))
            }
            DagError::MissingSignature => write!(f, "vertex is not signed"),
            DagError::BadSignature => write!(f, "signature does not verify"),
        }
    }
}

impl std::error::Error for DagError {}

/// Whether [`Dag`] verifies a vertex's ML-DSA signature on insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Verify (the default: [`Dag::insert`]).
    Verify,
    /// Skip verification (every other check still runs): only for vertices whose signatures
    /// were verified before (e.g. reloaded from the node's own storage) or structure-only
    /// vertices built for benchmarks.
    Skip,
}

/// Parameters of the MCMC tip selection ([`Dag::mcmc_tip`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mcmc {
    /// Bias towards heavier children: a step from `x` goes to child `y` with probability
    /// proportional to `exp(alpha * H(y))`, `H` the cumulative weight. 0 is an unbiased walk.
    pub alpha: f64,
    /// How many parent steps back from a random tip the walk starts (IOTA's entry point).
    pub depth: usize,
}

impl Default for Mcmc {
    fn default() -> Mcmc {
        Mcmc {
            alpha: 0.1,
            depth: 20,
        }
    }
}
