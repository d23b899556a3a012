//! QR-Avalanche-style consensus (Snowball), simulated in-process in synchronous rounds: no
//! threads, no sleeps, no network, every random choice from a seeded RNG.
//!
//! `participants` nodes, of which the last `byzantine` are adversarial. In each round every
//! honest node that has not finalised, in a fresh random order, samples `k` distinct peers
//! (never itself) and asks for their current preference: nodes act one after another, so a
//! node sees the updates of those that acted before it in the round (a sequential stand-in for
//! asynchrony; fully synchronous rounds let symmetric splits oscillate forever). Honest peers
//! answer truthfully (finalised ones answer their decision); Byzantine peers answer as the
//! [`Adversary`] says. If
//! at least `alpha` answers agree on a value, the query succeeded: the node's count for that
//! value grows, its preference moves to the value with the larger count (Snowball), and its
//! confidence grows if the value repeats the previous success's (otherwise it restarts at 1). A
//! query without an `alpha` majority resets the confidence. A node finalises the value of
//! `beta` consecutive successful queries.
//!
//! [`run_finality`] decides one binary question (contested: honest nodes start split) and
//! reports rounds to finality and whether the honest nodes agree (safety).
//! [`finalize_batch`] decides acceptance of a batch of DAG vertices at once: one peer sample
//! per node and round answers for every vertex (Avalanche's batched polling), and a vertex is
//! finalised at a node only after its parents within the batch are.

use crate::crypto::{Rng, rng};
use crate::dag::{Dag, VertexId};
use rand::RngExt;
use std::collections::HashMap;
use std::fmt;

/// How Byzantine participants answer queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adversary {
    /// Always the opposite of the querier's current preference: works against every node's
    /// confidence.
    Opposite,
    /// A fair coin per answer.
    Random,
}

/// Parameters of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Number of participants (at least 2).
    pub participants: usize,
    /// How many of them are Byzantine (fewer than `participants`).
    pub byzantine: usize,
    /// Peers sampled per query (clamped to `participants - 1`).
    pub k: usize,
    /// Answers that must agree for a successful query (`k/2 < alpha <= k` after clamping).
    pub alpha: usize,
    /// Consecutive successful queries needed to finalise.
    pub beta: u32,
    /// Give up after this many rounds.
    pub max_rounds: u32,
    /// Byzantine behaviour.
    pub adversary: Adversary,
    /// Fraction of honest nodes initially preferring `true` in [`run_finality`] (0.5: a
    /// contested decision).
    pub initial_yes: f64,
    /// Seed of all random choices.
    pub seed: u64,
}

impl Params {
    /// Parameters for `participants` nodes with `byzantine_percent`% of them (rounded down)
    /// Byzantine, answering [`Adversary::Opposite`]: `k = 2(n-1)/3` kept within 1..=10,
    /// `alpha = k/2 + 1` (a strict majority), `beta = 10`, at most 10,000 rounds, a 50/50
    /// initial split.
    pub fn new(participants: usize, byzantine_percent: u32, seed: u64) -> Params {
        let k = (participants.saturating_sub(1) * 2 / 3).clamp(1, 10);
        Params {
            participants,
            byzantine: participants * byzantine_percent as usize / 100,
            k,
            alpha: k / 2 + 1,
            beta: 10,
            max_rounds: 10_000,
            adversary: Adversary::Opposite,
            initial_yes: 0.5,
            seed,
        }
    }

    fn honest(&self) -> usize {
        self.participants - self.byzantine
    }

    /// `(k, alpha)` after clamping `k` to `participants - 1`; panics on invalid parameters.
    fn checked(&self) -> (usize, usize) {
        assert!(self.participants >= 2, "at least 2 participants");
        assert!(
            self.byzantine < self.participants,
            "at least one honest participant"
        );
        let k = self.k.clamp(1, self.participants - 1);
        let alpha = self.alpha.min(k);
        assert!(
            alpha * 2 > k,
            "alpha ({alpha}) must be a strict majority of k ({k})"
        );
        assert!(self.beta >= 1, "beta >= 1");
        (k, alpha)
    }
}

/// One node's Snowball state for one decision.
#[derive(Debug, Clone, Copy)]
struct Snowball {
    /// Preference: the value with more successful queries.
    pref: bool,
    /// Value of the last successful query.
    last: bool,
    /// Consecutive successful queries for `last`.
    confidence: u32,
    /// Successful queries per value.
    counts: [u32; 2],
    /// Finalised (on `last`).
    done: bool,
}

impl Snowball {
    fn new(pref: bool) -> Snowball {
        Snowball {
            pref,
            last: pref,
            confidence: 0,
            counts: [0; 2],
            done: false,
        }
    }

    /// What this node answers a query with: its decision once finalised, else its preference.
    fn answer(&self) -> bool {
        if self.done { self.last } else { self.pref }
    }

    /// Records a query: `Some(value)` if `alpha` answers agreed on it, `None` otherwise.
    fn record(&mut self, outcome: Option<bool>) {
        match outcome {
            None => self.confidence = 0,
            Some(v) => {
                self.counts[v as usize] += 1;
                if self.counts[v as usize] > self.counts[self.pref as usize] {
                    self.pref = v;
                }
                if v == self.last {
                    self.confidence += 1;
                } else {
                    self.last = v;
                    self.confidence = 1;
                }
            }
        }
    }
}

fn outcome(yes: usize, k: usize, alpha: usize) -> Option<bool> {
    if yes >= alpha {
        Some(true)
    } else if k - yes >= alpha {
        Some(false)
    } else {
        None
    }
}

/// `k` distinct peers other than `me`, by a partial Fisher-Yates shuffle of `scratch` (a
/// permutation of all participants, left permuted for the next call).
fn sample_peers(rng: &mut Rng, scratch: &mut [u32], me: usize, k: usize, out: &mut Vec<usize>) {
    out.clear();
    let n = scratch.len();
    let mut j = 0;
    while out.len() < k {
        let r = rng.random_range(j..n);
        scratch.swap(j, r);
        let q = scratch[j] as usize;
        j += 1;
        if q != me {
            out.push(q);
        }
    }
}

/// Fisher-Yates shuffle.
fn shuffle(rng: &mut Rng, items: &mut [u32]) {
    for j in (1..items.len()).rev() {
        items.swap(j, rng.random_range(0..=j));
    }
}

/// The result of [`run_finality`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finality {
    /// Rounds run: until every honest node finalised, or `max_rounds`.
    pub rounds: u32,
    /// Whether every honest node finalised within `max_rounds`.
    pub all_finalised: bool,
    /// Safety: no two honest nodes finalised different values.
    pub agreement: bool,
    /// The value every honest node finalised, if all did and agree.
    pub decision: Option<bool>,
    /// Queries to single peers sent by honest nodes.
    pub queries: u64,
}

/// Runs Snowball on one binary decision until every honest node has finalised (or
/// `max_rounds`). Honest node `i` starts preferring `true` if `i < initial_yes * honest`.
/// Panics on invalid parameters (see [`Params`]).
pub fn run_finality(p: &Params) -> Finality {
    let (k, alpha) = p.checked();
    let mut rng = rng(p.seed);
    let n = p.participants;
    let h = p.honest();
    let yes = (p.initial_yes.clamp(0.0, 1.0) * h as f64).round() as usize;
    let mut nodes: Vec<Snowball> = (0..h).map(|i| Snowball::new(i < yes)).collect();
    let mut answers: Vec<bool> = nodes.iter().map(Snowball::answer).collect();
    let mut scratch: Vec<u32> = (0..n as u32).collect();
    let mut turn: Vec<u32> = (0..h as u32).collect();
    let mut sample = Vec::with_capacity(k);
    let mut remaining = h;
    let mut rounds = 0;
    let mut queries = 0u64;
    while remaining > 0 && rounds < p.max_rounds {
        rounds += 1;
        shuffle(&mut rng, &mut turn);
        for &i in &turn {
            let i = i as usize;
            let node = &mut nodes[i];
            if node.done {
                continue;
            }
            sample_peers(&mut rng, &mut scratch, i, k, &mut sample);
            let mine = answers[i];
            let mut votes = 0;
            for &q in &sample {
                let vote = if q < h {
                    answers[q]
                } else {
                    match p.adversary {
                        Adversary::Opposite => !mine,
                        Adversary::Random => rng.random::<bool>(),
                    }
                };
                votes += usize::from(vote);
            }
            queries += k as u64;
            node.record(outcome(votes, k, alpha));
            if node.confidence >= p.beta {
                node.done = true;
                remaining -= 1;
            }
            answers[i] = node.answer();
        }
    }
    let decided: Vec<bool> = nodes.iter().filter(|s| s.done).map(|s| s.last).collect();
    let agreement = decided.windows(2).all(|w| w[0] == w[1]);
    Finality {
        rounds,
        all_finalised: remaining == 0,
        agreement,
        decision: (remaining == 0 && agreement).then(|| decided[0]),
        queries,
    }
}

/// A batch named a vertex that is not in the DAG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVertex(pub VertexId);

impl fmt::Display for UnknownVertex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex: String = self.0.iter().take(6).map(|b| format!("{b:02x}")).collect();
        write!(f, "vertex {hex} is not in the DAG")
    }
}

impl std::error::Error for UnknownVertex {}

/// The result of [`finalize_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFinality {
    /// Rounds run: until every honest node finalised every vertex, or `max_rounds`.
    pub rounds: u32,
    /// Vertices finalised by every honest node.
    pub finalised: usize,
    /// Of those, vertices every honest node accepted.
    pub accepted: usize,
    /// Safety: no vertex was finalised with different values by two honest nodes.
    pub agreement: bool,
    /// Queries to single peers sent by honest nodes (one per peer and round, covering the
    /// whole batch).
    pub queries: u64,
}

/// Finalises acceptance of `batch` (vertices of `dag`, any order) with Snowball per vertex.
/// Honest nodes start preferring acceptance (the vertices passed validation). Each round every
/// honest node with undecided vertices samples `k` peers once and counts their answers for all
/// vertices (Byzantine peers answer every vertex as the [`Adversary`] says); vertices are
/// processed parents first, and a vertex is finalised at a node once its confidence reached
/// `beta` and its parents within the batch are finalised there. `initial_yes` is not used.
/// Panics on invalid parameters (see [`Params`]).
pub fn finalize_batch(
    dag: &Dag,
    batch: &[VertexId],
    p: &Params,
) -> Result<BatchFinality, UnknownVertex> {
    run_batch(dag, batch, p).map(|(f, _)| f)
}

/// The final per-node state of a batch run, for tests: `done[i * m + j]` says whether honest
/// node `i` finalised vertex `j` (batch in parents-first order).
#[cfg_attr(not(test), allow(dead_code))]
struct BatchState {
    m: usize,
    done: Vec<bool>,
    parent_start: Vec<usize>,
    parents: Vec<u32>,
}

/// The batch's vertices in parents-first order (insertion order is topological), duplicates
/// dropped: their count and each one's in-batch parents, flattened (`parents[parent_start[j]..
/// parent_start[j + 1]]` are vertex `j`'s).
fn batch_parents(
    dag: &Dag,
    batch: &[VertexId],
) -> Result<(usize, Vec<usize>, Vec<u32>), UnknownVertex> {
    let mut order: Vec<(usize, VertexId)> = Vec::with_capacity(batch.len());
    for id in batch {
        order.push((dag.position(id).ok_or(UnknownVertex(*id))?, *id));
    }
    order.sort_unstable_by_key(|&(pos, _)| pos);
    order.dedup_by_key(|&mut (pos, _)| pos);
    let m = order.len();
    let local: HashMap<VertexId, u32> = order
        .iter()
        .enumerate()
        .map(|(j, (_, id))| (*id, j as u32))
        .collect();
    let mut parent_start = Vec::with_capacity(m + 1);
    let mut parents = Vec::new();
    parent_start.push(0);
    for (_, id) in &order {
        let v = dag.get(id).expect("present");
        parents.extend(v.parents.iter().filter_map(|p| local.get(p).copied()));
        parent_start.push(parents.len());
    }
    Ok((m, parent_start, parents))
}

/// Of `m` vertices and `h` honest nodes' final `state`: how many every node finalised, how
/// many every node accepted, and whether no vertex was accepted by one node and rejected by
/// another.
fn tally(state: &[Snowball], m: usize, h: usize) -> (usize, usize, bool) {
    let mut finalised = 0;
    let mut accepted = 0;
    let mut agreement = true;
    for j in 0..m {
        let decided = (0..h).map(|i| &state[i * m + j]).filter(|s| s.done);
        let (mut yes, mut no) = (0, 0);
        for s in decided {
            if s.last { yes += 1 } else { no += 1 }
        }
        agreement &= yes == 0 || no == 0;
        if yes + no == h {
            finalised += 1;
            accepted += usize::from(yes == h);
        }
    }
    (finalised, accepted, agreement)
}

/// Adds one adversarial peer's answers for every vertex to `votes`: the opposite of the
/// querying node's own answers `mine`, or coin flips.
fn add_adversary_votes(adversary: Adversary, votes: &mut [u16], mine: &[u16], rng: &mut Rng) {
    match adversary {
        Adversary::Opposite => {
            for (v, a) in votes.iter_mut().zip(mine) {
                *v += 1 - a;
            }
        }
        Adversary::Random => {
            for chunk in votes.chunks_mut(64) {
                let bits: u64 = rng.random();
                for (j, v) in chunk.iter_mut().enumerate() {
                    *v += ((bits >> j) & 1) as u16;
                }
            }
        }
    }
}

fn run_batch(
    dag: &Dag,
    batch: &[VertexId],
    p: &Params,
) -> Result<(BatchFinality, BatchState), UnknownVertex> {
    let (k, alpha) = p.checked();
    let (m, parent_start, parents) = batch_parents(dag, batch)?;
    let mut rng = rng(p.seed);
    let n = p.participants;
    let h = p.honest();
    let mut state = vec![Snowball::new(true); h * m];
    let mut answers = vec![1u16; h * m];
    let mut turn: Vec<u32> = (0..h as u32).collect();
    let mut undecided = vec![m; h];
    let mut remaining = h * m;
    let mut votes = vec![0u16; m];
    let mut scratch: Vec<u32> = (0..n as u32).collect();
    let mut sample = Vec::with_capacity(k);
    let mut rounds = 0;
    let mut queries = 0u64;
    while remaining > 0 && rounds < p.max_rounds {
        rounds += 1;
        shuffle(&mut rng, &mut turn);
        for &i in &turn {
            let i = i as usize;
            if undecided[i] == 0 {
                continue;
            }
            sample_peers(&mut rng, &mut scratch, i, k, &mut sample);
            queries += k as u64;
            votes.fill(0);
            let mine = &answers[i * m..(i + 1) * m];
            for &q in &sample {
                if q < h {
                    for (v, a) in votes.iter_mut().zip(&answers[q * m..(q + 1) * m]) {
                        *v += a;
                    }
                } else {
                    add_adversary_votes(p.adversary, &mut votes, mine, &mut rng);
                }
            }
            let row = &mut state[i * m..(i + 1) * m];
            for j in 0..m {
                if row[j].done {
                    continue;
                }
                row[j].record(outcome(usize::from(votes[j]), k, alpha));
                let parents_done = parents[parent_start[j]..parent_start[j + 1]]
                    .iter()
                    .all(|&pj| row[pj as usize].done);
                if row[j].confidence >= p.beta && parents_done {
                    row[j].done = true;
                    undecided[i] -= 1;
                    remaining -= 1;
                }
            }
            for (a, s) in answers[i * m..(i + 1) * m].iter_mut().zip(row.iter()) {
                *a = u16::from(s.answer());
            }
        }
    }
    let (finalised, accepted, agreement) = tally(&state, m, h);
    let result = BatchFinality {
        rounds,
        finalised,
        accepted,
        agreement,
        queries,
    };
    let done = state.iter().map(|s| s.done).collect();
    Ok((
        result,
        BatchState {
            m,
            done,
            parent_start,
            parents,
        },
    ))
}

#[cfg(test)]
#[path = "consensus_tests.rs"]
mod tests;
