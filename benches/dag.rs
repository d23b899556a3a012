//! The dag suite: a QuDAG-like DAG of ML-DSA-65-signed vertices (`qudag_suites::dag`) and
//! QR-Avalanche-style consensus simulated in-process (`qudag_suites::consensus`).
//!
//! Signing a vertex costs hundreds of microseconds, so the bulk DAGs (1k, 10k and 100k vertices)
//! are structure-only: real ids (BLAKE3 of the content, including a real ML-DSA-65 author key)
//! but no signatures, loaded with `Dag::from_trusted`, which runs every check except signature
//! verification. Vertices that a benchmark validates in full are really signed. Everything is
//! built from fixed seeds once per process and shared; correctness is checked outside the
//! timed regions.

use qudag_suites::crypto::rng;
use qudag_suites::dag::{Author, Dag, Shape, Signer, generate_unsigned};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Seed of every key, DAG and simulation in this suite.
const SEED: u64 = 0x0DA6;

/// Four ML-DSA-65 signers, generated once.
fn signers() -> &'static [Signer] {
    static SIGNERS: OnceLock<Vec<Signer>> = OnceLock::new();
    SIGNERS.get_or_init(|| {
        let mut r = rng(SEED);
        (0..4).map(|_| Signer::generate(&mut r)).collect()
    })
}

fn authors() -> Vec<Arc<Author>> {
    signers().iter().map(|s| s.author().clone()).collect()
}

/// A structure-only DAG of `n` vertices (rounds of 16, two parents each, 64-byte payloads),
/// built once per size and process.
fn structure_dag(n: usize) -> &'static Dag {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static Dag>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().expect("cache");
    cache.entry(n).or_insert_with(|| {
        let vertices = generate_unsigned(n, &Shape::default(), &authors(), &mut rng(SEED + 1));
        let dag = Dag::from_trusted(vertices).expect("generated DAG is valid");
        assert_eq!(dag.len(), n);
        Box::leak(Box::new(dag))
    })
}

/// The highest round among the tips.
fn top_round(dag: &Dag) -> u64 {
    dag.tips()
        .iter()
        .map(|t| dag.get(t).expect("tip").round)
        .max()
        .expect("non-empty")
}

mod dag {
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::rng;
    use qudag_suites::dag::{DagError, Shape, random_child};
    use std::sync::Arc;
    use std::time::Instant;

    /// Inserting one new vertex into a DAG of `n` vertices with `Dag::insert_trusted`: every
    /// check except ML-DSA verification (structure, id recomputation by BLAKE3 over ~2.1 KB of
    /// content including the 1952-byte author key, duplicate and parent lookups, rounds), then
    /// the index, child links, height and tip updates. Cloning a 100k DAG per iteration is too
    /// slow, so each sample inserts its own fresh vertices (built before the clock starts, two
    /// parents among the DAG's tips) into one DAG, which grows by at most a sample's
    /// iterations (hundreds) and is rolled back to `n` vertices with `Dag::truncate` after the
    /// clock stops. Signature verification is measured by `dag::validate_vertex`.
    #[qudag_bench(args = [1_000, 10_000, 100_000], tags = ["dag", "fast"])]
    fn insert(b: &mut Bencher, n: usize) {
        let mut dag = super::structure_dag(n).clone();
        let tips = dag.tips();
        let round = super::top_round(&dag) + 1;
        let authors = super::authors();
        let mut r = rng(super::SEED + 2);
        let mut seq = 0u64;
        b.iter_custom(|iters| {
            let mut fresh: Vec<_> = (0..iters)
                .map(|_| {
                    seq += 1;
                    let author = authors[(seq % 4) as usize].clone();
                    random_child(&tips, &Shape::default(), round, author, seq, &mut r)
                })
                .collect();
            let start = Instant::now();
            let mut ok = 0u64;
            for v in fresh.drain(..) {
                ok += u64::from(dag.insert_trusted(v).is_ok());
            }
            let elapsed = start.elapsed();
            assert_eq!(ok, iters, "every fresh vertex is accepted");
            assert_eq!(dag.len(), n + iters as usize);
            drop(dag.truncate(n));
            elapsed
        });
    }

    /// Full validation of one signed vertex against a 10k-vertex DAG, as for a vertex received
    /// from the network (`Dag::validate`): structure checks, id recomputation (BLAKE3 over
    /// ~2.3 KB), duplicate and parent lookups, rounds, then ML-DSA-65 verification of the
    /// signature, which dominates. Nothing is inserted: the same vertex every iteration.
    #[qudag_bench(tags = ["dag", "ml-dsa", "post-quantum"])]
    fn validate_vertex(b: &mut Bencher) {
        let dag = super::structure_dag(10_000);
        let tips = dag.tips();
        let round = super::top_round(dag) + 1;
        let signers = super::signers();
        let v = signers[0].vertex(tips[..2].to_vec(), round, vec![0x5A; 256]);
        assert_eq!(dag.validate(&v), Ok(()));
        // The checks are live: tampering and forging are caught.
        let mut tampered = v.clone();
        tampered.payload[0] ^= 1;
        assert_eq!(dag.validate(&tampered), Err(DagError::IdMismatch));
        let mut forged = v.clone();
        forged.signature = Some(Arc::new(signers[1].sign_id(&v.id)));
        assert_eq!(dag.validate(&forged), Err(DagError::BadSignature));
        b.iter(|| dag.validate(black_box(&v)));
    }

    /// Kahn's topological order of a structure-only DAG of `n` vertices (in-degree counting,
    /// FIFO queue), including allocating the in-degree table, the queue and the returned
    /// order. Checked once with `Dag::is_topological` before timing.
    #[qudag_bench(args = [10_000], tags = ["dag", "fast"])]
    fn topological_order(b: &mut Bencher, n: usize) {
        let dag = super::structure_dag(n);
        let order = dag.topological_order();
        assert!(dag.is_topological(&order));
        drop(order);
        b.iter(|| dag.topological_order());
    }
}

mod tips {
    use qudag_bench::{Bencher, qudag_bench};
    use qudag_suites::crypto::rng;
    use qudag_suites::dag::{Dag, Mcmc, VertexId};

    /// Checks that 200 selections are all tips.
    fn check(dag: &Dag, mut select: impl FnMut() -> Option<VertexId>) {
        for _ in 0..200 {
            let t = select().expect("non-empty DAG");
            assert!(dag.is_tip(&t), "selection returned a non-tip");
        }
    }

    /// One uniformly random tip of a 10k-vertex DAG (about 20 tips): O(1).
    #[qudag_bench(tags = ["dag", "tips", "fast"])]
    fn uniform(b: &mut Bencher) {
        let dag = super::structure_dag(10_000);
        let mut r = rng(super::SEED + 3);
        check(dag, || dag.uniform_tip(&mut r));
        b.iter(|| dag.uniform_tip(&mut r));
    }

    /// One tip of a 10k-vertex DAG chosen with weight `exp(-0.5 * lag)`, `lag` being the
    /// tip's height below the highest tip: O(tips), one `exp` per tip, twice.
    #[qudag_bench(tags = ["dag", "tips", "fast"])]
    fn weighted(b: &mut Bencher) {
        let dag = super::structure_dag(10_000);
        let mut r = rng(super::SEED + 4);
        check(dag, || dag.weighted_tip(&mut r, 0.5));
        b.iter(|| dag.weighted_tip(&mut r, 0.5));
    }

    /// One IOTA-style MCMC tip selection on a 10k-vertex DAG with alpha 0.1, starting 20
    /// random parent steps below a random tip: each call computes the exact cumulative
    /// weights of the entry point's future cone (a few hundred vertices, one descendant
    /// bitset each) and then walks to a tip.
    #[qudag_bench(tags = ["dag", "tips", "fast"])]
    fn mcmc(b: &mut Bencher) {
        let dag = super::structure_dag(10_000);
        let params = Mcmc {
            alpha: 0.1,
            depth: 20,
        };
        let mut r = rng(super::SEED + 5);
        check(dag, || dag.mcmc_tip(&mut r, &params));
        b.iter(|| dag.mcmc_tip(&mut r, &params));
    }
}

mod consensus {
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::consensus::{Params, finalize_batch, run_finality};
    use qudag_suites::dag::VertexId;
    use std::fmt;

    /// A simulated network: participants and the Byzantine percentage; prints as `n10-b0`.
    #[derive(Debug, Clone, Copy)]
    pub struct Net {
        n: usize,
        byzantine_percent: u32,
    }

    const fn net(n: usize, byzantine_percent: u32) -> Net {
        Net {
            n,
            byzantine_percent,
        }
    }

    impl fmt::Display for Net {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "n{}-b{}", self.n, self.byzantine_percent)
        }
    }

    /// One contested binary decision to finality: Snowball with `Params::new(n, b%)` (k =
    /// min(10, 2(n-1)/3), alpha = k/2 + 1, beta = 10; Byzantine nodes always answer the
    /// opposite of the querier's preference; honest nodes start split 50/50), simulated
    /// in-process until every honest node has finalised. The seed is fixed, so each
    /// iteration replays the same run: the time per iteration is the simulated network's
    /// time to finality on one thread. Rounds and agreement are checked before timing, and
    /// the rounds to finality and queries sent are recorded as the benchmark's metrics.
    #[qudag_bench(
        args = [
            net(10, 0), net(10, 20), net(10, 33),
            net(50, 0), net(50, 20), net(50, 33),
            net(200, 0), net(200, 20), net(200, 33),
        ],
        tags = ["consensus", "fast"]
    )]
    fn finality(b: &mut Bencher, net: Net) {
        let params = Params::new(net.n, net.byzantine_percent, super::SEED);
        let f = run_finality(&params);
        assert!(f.all_finalised, "{net}: no finality in {} rounds", f.rounds);
        assert!(f.agreement, "{net}: honest nodes disagree");
        b.metric("rounds_to_finality", f64::from(f.rounds), "rounds");
        b.metric("queries", f.queries as f64, "queries");
        b.iter(|| run_finality(black_box(&params)));
    }

    /// Vertices finalised per second: the newest 1,000 vertices of a 10k-vertex DAG finalised
    /// by 50 simulated participants, 20% of them Byzantine (opposite answers), Snowball per
    /// vertex with one peer sample per node and round covering the whole batch, parents
    /// finalised before children. One iteration simulates every honest node (40) on one
    /// thread, so one node's share of the work is about 1/40 of the time.
    #[qudag_bench(tags = ["consensus", "dag", "slow"])]
    fn throughput(b: &mut Bencher) {
        let dag = super::structure_dag(10_000);
        let batch: Vec<VertexId> = dag.vertices()[9_000..].iter().map(|v| v.id).collect();
        let params = Params::new(50, 20, super::SEED);
        let f = finalize_batch(dag, &batch, &params).expect("batch vertices are in the DAG");
        assert!(f.agreement, "honest nodes disagree");
        assert_eq!(f.finalised, batch.len(), "{f:?}");
        assert_eq!(f.accepted, batch.len(), "{f:?}");
        b.throughput_elements(batch.len() as u64);
        b.iter(|| finalize_batch(dag, black_box(&batch), &params));
    }
}

qudag_bench::main!();
