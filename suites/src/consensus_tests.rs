use super::*;
use crate::crypto::DsaKeyPair;
use crate::dag::{Author, Shape, Vertex, generate_unsigned};
use std::sync::Arc;

#[test]
fn no_byzantine_always_finalises_with_agreement() {
    for n in [2, 3, 10, 50, 200] {
        for seed in 0..20 {
            for initial_yes in [0.0, 0.5, 1.0] {
                let p = Params {
                    initial_yes,
                    ..Params::new(n, 0, seed)
                };
                let f = run_finality(&p);
                assert!(f.all_finalised, "n {n} seed {seed}: {f:?}");
                assert!(f.agreement, "n {n} seed {seed}: {f:?}");
                assert!(f.rounds >= p.beta);
                if initial_yes == 1.0 {
                    assert_eq!(f.decision, Some(true));
                    assert_eq!(f.rounds, p.beta, "unanimous: beta rounds exactly");
                }
                if initial_yes == 0.0 {
                    assert_eq!(f.decision, Some(false));
                }
            }
        }
    }
}

#[test]
fn byzantine_minorities_do_not_break_agreement() {
    for n in [10, 50, 200] {
        for pct in [20, 33] {
            for adversary in [Adversary::Opposite, Adversary::Random] {
                for seed in 0..5 {
                    let p = Params {
                        adversary,
                        ..Params::new(n, pct, seed)
                    };
                    let f = run_finality(&p);
                    assert!(f.agreement, "n {n} {pct}% {adversary:?} seed {seed}: {f:?}");
                    assert!(f.all_finalised, "n {n} {pct}% {adversary:?}: {f:?}");
                }
            }
        }
    }
}

#[test]
fn finalisation_needs_beta_consecutive_successes() {
    // A Byzantine majority answering the opposite keeps honest nodes from ever reaching
    // an alpha majority on their own value: nothing may finalise wrongly by accident,
    // and the round cap is honoured.
    let p = Params {
        byzantine: 8,
        max_rounds: 200,
        initial_yes: 1.0,
        ..Params::new(10, 0, 1)
    };
    let f = run_finality(&p);
    assert_eq!(f.rounds, 200);
    assert!(!f.all_finalised);
    assert_eq!(f.decision, None);
    // With beta = 1 a single successful query finalises.
    let p = Params {
        beta: 1,
        initial_yes: 1.0,
        ..Params::new(10, 0, 1)
    };
    assert_eq!(run_finality(&p).rounds, 1);
}

#[test]
fn snowball_counts_and_confidence() {
    let mut s = Snowball::new(true);
    s.record(Some(false));
    assert!(!s.pref && !s.last && s.confidence == 1);
    s.record(Some(true));
    assert!(!s.pref, "tie in counts keeps the preference");
    assert!(s.last && s.confidence == 1);
    s.record(Some(true));
    assert!(s.pref && s.confidence == 2);
    s.record(None);
    assert_eq!(s.confidence, 0);
}

#[test]
fn sampling_is_distinct_and_excludes_self() {
    let mut r = rng(3);
    let mut scratch: Vec<u32> = (0..10).collect();
    let mut out = Vec::new();
    for me in 0..10 {
        for _ in 0..50 {
            sample_peers(&mut r, &mut scratch, me, 9, &mut out);
            let mut sorted = out.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 9);
            assert!(!out.contains(&me));
        }
    }
}

#[test]
#[should_panic(expected = "strict majority")]
fn alpha_must_be_a_majority() {
    run_finality(&Params {
        alpha: 5,
        ..Params::new(50, 0, 0)
    });
}

fn batch_dag() -> Dag {
    let keys = DsaKeyPair::generate(&mut rng(5));
    let author = Arc::new(Author::new(keys.public().clone()));
    let vs = generate_unsigned(600, &Shape::default(), &[author], &mut rng(6));
    Dag::from_trusted(vs).unwrap()
}

#[test]
fn batch_finalises_and_accepts_everything_without_byzantine() {
    let dag = batch_dag();
    let batch: Vec<VertexId> = dag.vertices()[100..].iter().map(|v| v.id).collect();
    let f = finalize_batch(&dag, &batch, &Params::new(20, 0, 1)).unwrap();
    assert_eq!((f.finalised, f.accepted), (500, 500));
    assert!(f.agreement);
    assert_eq!(f.rounds, 10, "unanimous honest nodes: beta rounds");
}

#[test]
fn batch_with_byzantine_still_agrees() {
    let dag = batch_dag();
    let batch: Vec<VertexId> = dag.vertices()[300..].iter().map(|v| v.id).collect();
    for (pct, adversary) in [(20, Adversary::Opposite), (33, Adversary::Random)] {
        let p = Params {
            adversary,
            ..Params::new(30, pct, 2)
        };
        let f = finalize_batch(&dag, &batch, &p).unwrap();
        assert!(f.agreement, "{pct}% {adversary:?}: {f:?}");
        assert_eq!(f.finalised, 300, "{pct}% {adversary:?}: {f:?}");
        assert_eq!(f.accepted, 300);
        assert!(f.rounds > 10);
    }
}

#[test]
fn batch_finalises_parents_first() {
    let dag = batch_dag();
    let batch: Vec<VertexId> = dag.vertices()[200..].iter().rev().map(|v| v.id).collect();
    // Random Byzantine answers give every vertex its own confidence history, so children
    // often reach beta before their parents; stop while some are still undecided.
    let p = Params {
        adversary: Adversary::Random,
        max_rounds: 16,
        ..Params::new(30, 33, 4)
    };
    let (f, st) = run_batch(&dag, &batch, &p).unwrap();
    let decided = st.done.iter().filter(|&&d| d).count();
    assert!(decided > 0 && decided < st.done.len(), "{decided}: {f:?}");
    for row in st.done.chunks(st.m) {
        for j in 0..st.m {
            let parents = &st.parents[st.parent_start[j]..st.parent_start[j + 1]];
            if row[j] {
                assert!(parents.iter().all(|&pj| row[pj as usize]));
            }
        }
    }
}

#[test]
fn batch_rejects_unknown_vertices() {
    let dag = batch_dag();
    let missing = Vertex::unsigned(
        dag.vertices()[0].author.clone(),
        vec![],
        0,
        b"not in the dag".to_vec(),
    );
    assert_eq!(
        finalize_batch(&dag, &[missing.id], &Params::new(10, 0, 3)),
        Err(UnknownVertex(missing.id))
    );
}
