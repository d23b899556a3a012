//! Deterministic, round-based DAG shapes from a seeded RNG, for tests and benchmarks.

use super::*;
use std::collections::HashMap;

/// The shape of a generated DAG: rounds of `width` vertices, each naming `parents` distinct
/// tips as they were at the start of its round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Vertices per round.
    pub width: usize,
    /// Parents per vertex (fewer when fewer tips exist).
    pub parents: usize,
    /// Payload bytes per vertex (random).
    pub payload_len: usize,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            width: 16,
            parents: 2,
            payload_len: 64,
        }
    }
}

/// Generates `count` vertices in parents-first order: a genesis (round 0) then rounds of
/// `shape.width` vertices whose parents are distinct tips taken at the start of the round (so
/// some tips stay unreferenced for a round or more, as with network latency). `make` builds
/// each vertex from (sequence number in its round, parents, round, payload). Deterministic for
/// a given `rng` state.
pub fn generate(
    count: usize,
    shape: &Shape,
    rng: &mut Rng,
    mut make: impl FnMut(usize, Vec<VertexId>, u64, Vec<u8>) -> Vertex,
) -> Vec<Vertex> {
    let mut out = Vec::with_capacity(count);
    if count == 0 {
        return out;
    }
    let payload = |rng: &mut Rng| {
        let mut p = vec![0u8; shape.payload_len];
        rng.fill(&mut p[..]);
        p
    };
    let genesis = make(0, Vec::new(), 0, payload(rng));
    let mut tips: Vec<VertexId> = vec![genesis.id];
    let mut tip_pos: HashMap<VertexId, usize> = HashMap::from([(genesis.id, 0)]);
    out.push(genesis);
    let mut round = 0u64;
    let mut chosen: Vec<usize> = Vec::new();
    while out.len() < count {
        round += 1;
        let snapshot = tips.clone();
        let want = shape.parents.clamp(1, MAX_PARENTS).min(snapshot.len());
        for seq in 0..shape.width.max(1) {
            if out.len() == count {
                break;
            }
            chosen.clear();
            while chosen.len() < want {
                let j = rng.random_range(0..snapshot.len());
                if !chosen.contains(&j) {
                    chosen.push(j);
                }
            }
            let parents: Vec<VertexId> = chosen.iter().map(|&j| snapshot[j]).collect();
            let v = make(seq, parents, round, payload(rng));
            for p in &v.parents {
                if let Some(pos) = tip_pos.remove(p) {
                    tips.swap_remove(pos);
                    if let Some(moved) = tips.get(pos) {
                        tip_pos.insert(*moved, pos);
                    }
                }
            }
            tip_pos.insert(v.id, tips.len());
            tips.push(v.id);
            out.push(v);
        }
    }
    out
}

/// A structure-only vertex (no signature) naming `min(shape.parents, tips.len())` distinct
/// parents drawn at random from `tips`, at `round`, with a `shape.payload_len`-byte payload
/// that starts with `seq` (little-endian, so that different `seq` give different ids) and is
/// random after it. For growing a DAG in benchmarks.
pub fn random_child(
    tips: &[VertexId],
    shape: &Shape,
    round: u64,
    author: Arc<Author>,
    seq: u64,
    rng: &mut Rng,
) -> Vertex {
    let want = shape.parents.clamp(1, MAX_PARENTS).min(tips.len());
    let mut parents: Vec<VertexId> = Vec::with_capacity(want);
    while parents.len() < want {
        let t = tips[rng.random_range(0..tips.len())];
        if !parents.contains(&t) {
            parents.push(t);
        }
    }
    let mut payload = vec![0u8; shape.payload_len.max(8)];
    payload[..8].copy_from_slice(&seq.to_le_bytes());
    rng.fill(&mut payload[8..]);
    Vertex::unsigned(author, parents, round, payload)
}

/// [`generate`] with structure-only vertices (ids computed, no signatures), authors taken in
/// turn from `authors` (must not be empty). Load them with [`Dag::from_trusted`].
pub fn generate_unsigned(
    count: usize,
    shape: &Shape,
    authors: &[Arc<Author>],
    rng: &mut Rng,
) -> Vec<Vertex> {
    assert!(!authors.is_empty(), "at least one author");
    generate(count, shape, rng, |seq, parents, round, payload| {
        Vertex::unsigned(
            authors[seq % authors.len()].clone(),
            parents,
            round,
            payload,
        )
    })
}

/// [`generate`] with every vertex signed (one ML-DSA-65 signature each: slow, hundreds of
/// microseconds per vertex), signers taken in turn from `signers` (must not be empty).
pub fn generate_signed(
    count: usize,
    shape: &Shape,
    signers: &[Signer],
    rng: &mut Rng,
) -> Vec<Vertex> {
    assert!(!signers.is_empty(), "at least one signer");
    generate(count, shape, rng, |seq, parents, round, payload| {
        signers[seq % signers.len()].vertex(parents, round, payload)
    })
}
