//! An opt-in counting global allocator. Install it in a bench target with
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: qudag_bench::CountingAlloc = qudag_bench::CountingAlloc::new();
//! ```
//!
//! and each benchmark's report gets allocations, deallocations, reallocations and bytes per
//! iteration, counted only inside the timed loops. Counters are process-wide atomics, so
//! allocations made by threads the benchmark starts are counted too; the harness's own
//! background threads mark themselves as not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static DEALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES_ALLOCATED: AtomicU64 = AtomicU64::new(0);
static BYTES_DEALLOCATED: AtomicU64 = AtomicU64::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    // Const-initialised without a destructor: safe to read from inside the allocator.
    static NOT_COUNTED: Cell<bool> = const { Cell::new(false) };
}

/// A global allocator that counts what passes through it to `A` (by default the system
/// allocator).
pub struct CountingAlloc<A = System> {
    inner: A,
}

impl CountingAlloc<System> {
    /// Counts allocations made through the system allocator.
    pub const fn new() -> Self {
        CountingAlloc { inner: System }
    }
}

impl Default for CountingAlloc<System> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A> CountingAlloc<A> {
    /// Counts allocations made through `inner`.
    pub const fn with(inner: A) -> Self {
        CountingAlloc { inner }
    }
}

#[inline]
fn counted() -> bool {
    if !INSTALLED.load(Relaxed) {
        INSTALLED.store(true, Relaxed);
    }
    !NOT_COUNTED.try_with(Cell::get).unwrap_or(true)
}

// SAFETY: every method forwards to the inner allocator with the caller's arguments unchanged;
// the counting touches only atomics and a const thread-local, and never allocates.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES_ALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded as received.
        unsafe { self.inner.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counted() {
            ALLOCS.fetch_add(1, Relaxed);
            BYTES_ALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded as received.
        unsafe { self.inner.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            DEALLOCS.fetch_add(1, Relaxed);
            BYTES_DEALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded as received.
        unsafe { self.inner.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counted() {
            REALLOCS.fetch_add(1, Relaxed);
            // A reallocation allocates the new size and frees the old one.
            BYTES_ALLOCATED.fetch_add(new_size as u64, Relaxed);
            BYTES_DEALLOCATED.fetch_add(layout.size() as u64, Relaxed);
        }
        // SAFETY: forwarded as received.
        unsafe { self.inner.realloc(ptr, layout, new_size) }
    }
}

/// Counter values at one moment (or the difference of two moments).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocCounts {
    /// Allocations (`alloc` and `alloc_zeroed`).
    pub allocs: u64,
    /// Deallocations.
    pub deallocs: u64,
    /// Reallocations.
    pub reallocs: u64,
    /// Bytes requested by allocations and by reallocations (their new size).
    pub bytes_allocated: u64,
    /// Bytes released by deallocations and by reallocations (their old size).
    pub bytes_deallocated: u64,
}

impl AllocCounts {
    /// The counters now.
    pub fn now() -> AllocCounts {
        AllocCounts {
            allocs: ALLOCS.load(Relaxed),
            deallocs: DEALLOCS.load(Relaxed),
            reallocs: REALLOCS.load(Relaxed),
            bytes_allocated: BYTES_ALLOCATED.load(Relaxed),
            bytes_deallocated: BYTES_DEALLOCATED.load(Relaxed),
        }
    }

    /// `self - earlier`, field by field.
    pub fn since(self, earlier: AllocCounts) -> AllocCounts {
        AllocCounts {
            allocs: self.allocs.wrapping_sub(earlier.allocs),
            deallocs: self.deallocs.wrapping_sub(earlier.deallocs),
            reallocs: self.reallocs.wrapping_sub(earlier.reallocs),
            bytes_allocated: self.bytes_allocated.wrapping_sub(earlier.bytes_allocated),
            bytes_deallocated: self
                .bytes_deallocated
                .wrapping_sub(earlier.bytes_deallocated),
        }
    }

    /// Adds `other` field by field.
    pub fn add(&mut self, other: AllocCounts) {
        self.allocs += other.allocs;
        self.deallocs += other.deallocs;
        self.reallocs += other.reallocs;
        self.bytes_allocated += other.bytes_allocated;
        self.bytes_deallocated += other.bytes_deallocated;
    }
}

/// Whether a [`CountingAlloc`] is this process's global allocator (true once it has served
/// an allocation, which happens before `main`).
pub fn installed() -> bool {
    INSTALLED.load(Relaxed)
}

/// Stops counting allocations made by the calling thread (for the harness's own threads).
pub fn exclude_current_thread() {
    let _ = NOT_COUNTED.try_with(|c| c.set(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_and_sums() {
        let a = AllocCounts {
            allocs: 5,
            deallocs: 4,
            reallocs: 1,
            bytes_allocated: 100,
            bytes_deallocated: 50,
        };
        let b = AllocCounts {
            allocs: 7,
            deallocs: 6,
            reallocs: 1,
            bytes_allocated: 1124,
            bytes_deallocated: 1074,
        };
        let d = b.since(a);
        assert_eq!(
            d,
            AllocCounts {
                allocs: 2,
                deallocs: 2,
                reallocs: 0,
                bytes_allocated: 1024,
                bytes_deallocated: 1024
            }
        );
        let mut sum = AllocCounts::default();
        sum.add(d);
        sum.add(d);
        assert_eq!(sum.allocs, 4);
        assert_eq!(sum.bytes_allocated, 2048);
    }
}
