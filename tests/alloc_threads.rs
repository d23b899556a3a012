//! CountingAlloc counts allocations from every thread exactly, and skips threads that opt out.
//! Runs without libtest's harness (`harness = false`) so that no other thread allocates.

use qudag_bench::CountingAlloc;
use qudag_bench::measure::alloc::{AllocCounts, exclude_current_thread, installed};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc::new();

const THREADS: u64 = 4;
const PER_THREAD: u64 = 10_000;

fn main() {
    assert!(
        installed(),
        "the counting allocator served the runtime's start-up allocations"
    );
    let barrier = std::sync::Barrier::new(THREADS as usize);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let before = AllocCounts::now();
                    for i in 0..PER_THREAD {
                        std::hint::black_box(Box::new([i as u8; 48]));
                    }
                    AllocCounts::now().since(before)
                })
            })
            .collect();
        for h in handles {
            // Other threads allocate concurrently: each thread sees at least its own.
            assert!(h.join().unwrap().allocs >= PER_THREAD);
        }
    });

    // All threads started and joined inside the window: the total is exact.
    // Spawning allocates too: measure the same scope with idle threads.
    let spawn_cost = |threads: u64| {
        let before = AllocCounts::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {});
            }
        });
        AllocCounts::now().since(before)
    };
    let (spawn_many, spawn_one) = (spawn_cost(THREADS), spawn_cost(1));
    let before = AllocCounts::now();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..PER_THREAD {
                    std::hint::black_box(Box::new([i as u8; 48]));
                }
            });
        }
    });
    let d = AllocCounts::now().since(before);
    // (Deallocations are not compared: a thread's last frees may land after the scope ends.)
    assert_eq!(d.allocs, THREADS * PER_THREAD + spawn_many.allocs, "{d:?}");
    assert_eq!(
        d.bytes_allocated,
        THREADS * PER_THREAD * 48 + spawn_many.bytes_allocated,
        "{d:?}"
    );

    // A thread that opts out is not counted.
    let before = AllocCounts::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            exclude_current_thread();
            for i in 0..PER_THREAD {
                std::hint::black_box(Box::new([i as u8; 48]));
            }
        });
    });
    let d = AllocCounts::now().since(before);
    assert_eq!(
        d.allocs, spawn_one.allocs,
        "only the spawn itself is counted: {d:?}"
    );
    println!("alloc_threads: 3 passed, 0 failed");
}
