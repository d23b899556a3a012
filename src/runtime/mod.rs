//! Benchmarks that come into being while the bench binary runs, next to the `#[qudag_bench]`
//! ones: criterion-style code calls [`offer`] with an id built at run time (often in a loop)
//! and a closure that borrows the caller's locals.
//!
//! Such a closure cannot outlive the call that offers it, so the harness cannot keep it in a
//! list. Instead the *groups* (plain `fn()`s that offer benchmarks, like criterion's
//! `criterion_group!` functions) are run in passes:
//! - a **listing pass** on the harness's thread, before anything else, records every offered
//!   id and its options without calling the closures: this is the list that `--list`,
//!   filters, the JSON report and every mode work from;
//! - **serving passes** on one dedicated thread ([`driver`]): when the harness runs such a
//!   benchmark it sends the id and a [`Bencher`] there, and the pass in progress runs the
//!   closure when that id is offered again. A request for an id the pass has gone past starts
//!   a new pass, so any order works; in the harness's own order one pass serves a whole run.
//!
//! The groups' code outside the closures (key generation, say) therefore runs once to list
//! and once more to measure, as under criterion when `cargo nextest` lists before it runs.

mod driver;

use crate::bencher::Bencher;
use crate::registry::{BenchEntry, BenchFn, Benchmark};
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};

/// Settings given in the code: the same as `#[qudag_bench(..)]`'s options.
pub use crate::registry::AttrOptions as Options;
pub(crate) use driver::call;

/// A function that offers benchmarks by calling [`offer`] (one `criterion_group!`).
pub type Group = fn();

/// One benchmark offered at run time.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The full id, unique in the binary (criterion's `group/function/parameter`).
    pub id: String,
    /// The id without the parameter (the report's `name`).
    pub name: String,
    /// The parameter's display form, if any (the report's `arg`).
    pub arg: Option<String>,
    /// Settings given in the code (criterion's `sample_size`, say).
    pub options: Options,
    /// Where the benchmark was offered (the report's source location).
    pub location: &'static Location<'static>,
}

/// What the calling thread is doing with the groups.
enum Pass {
    /// Recording the offers.
    Listing(Vec<Offer>),
    /// Running requested closures (the driver thread).
    Serving(driver::Serving),
}

thread_local! {
    static PASS: RefCell<Option<Pass>> = const { RefCell::new(None) };
}

/// Offers a benchmark: records it in a listing pass, runs `routine` with a [`Bencher`] when
/// the harness asked for this id in a serving pass, and otherwise returns at once. Called
/// outside the harness (no pass on this thread), it says so once and does nothing.
pub fn offer(offer: Offer, routine: &mut dyn FnMut(&mut Bencher)) {
    let listing = PASS.with(|p| match &mut *p.borrow_mut() {
        Some(Pass::Listing(offers)) => {
            offers.push(offer.clone());
            Some(true)
        }
        Some(Pass::Serving(_)) => Some(false),
        None => None,
    });
    match listing {
        Some(true) => {}
        Some(false) => driver::serve(&offer.id, routine),
        None => outside_harness(&offer.id),
    }
}

/// The one note for an offer made where no harness runs the groups.
fn outside_harness(id: &str) {
    static NOTED: std::sync::Once = std::sync::Once::new();
    NOTED.call_once(|| {
        eprintln!(
            "qudag-bench: `{}` was offered outside the harness and is not run: benchmarks \
             offered at run time are run by the bench target's `main` (criterion_main!)",
            crate::escape::Term(id)
        )
    });
}

/// Runs `groups` in a listing pass and returns their benchmarks in the order offered, each
/// in suite `target`. A group that panics outside a benchmark's closure is named in a warning
/// and the offers it made before the panic are kept.
pub fn list(groups: &[Group], target: &str) -> Vec<Benchmark> {
    let offers = run_pass(groups, Pass::Listing(Vec::new()));
    let Some(Pass::Listing(offers)) = offers else {
        return Vec::new();
    };
    driver::set_groups(groups);
    offers.into_iter().map(|o| benchmark(o, target)).collect()
}

/// Runs every group with `pass` set on this thread; returns the pass as it ended.
fn run_pass(groups: &[Group], pass: Pass) -> Option<Pass> {
    PASS.with(|p| *p.borrow_mut() = Some(pass));
    for (index, group) in groups.iter().enumerate() {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(group)) {
            let text = crate::measure::parallel::panic_text(payload.as_ref());
            eprintln!(
                "warning: benchmark group {} of {} panicked outside its benchmarks{}; the \
                 benchmarks it offered after that point are missing",
                index + 1,
                groups.len(),
                text.map_or(String::new(), |t| format!(
                    ": {}",
                    crate::escape::TermLines(&t)
                ))
            );
        }
    }
    PASS.with(|p| p.borrow_mut().take())
}

/// The harness's view of an offer: a leaked entry (one per offered benchmark, for the life
/// of the process) whose function routes to the driver.
fn benchmark(offer: Offer, target: &str) -> Benchmark {
    let entry: &'static BenchEntry = Box::leak(Box::new(BenchEntry {
        name: Box::leak(offer.name.clone().into_boxed_str()),
        module_path: "",
        file: offer.location.file(),
        line: offer.location.line(),
        suite: None,
        tags: &[],
        options: offer.options,
        threads: &[],
        bench: BenchFn::Dynamic,
    }));
    Benchmark {
        base_id: offer.name,
        id: offer.id,
        arg: offer.arg,
        suite: target.to_string(),
        entry,
        arg_index: 0,
        threads: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    static CALLED: AtomicBool = AtomicBool::new(false);

    #[track_caller]
    fn offer_named(id: &str) {
        let o = Offer {
            id: id.to_string(),
            name: id.to_string(),
            arg: None,
            options: Options::default(),
            location: Location::caller(),
        };
        offer(o, &mut |_| CALLED.store(true, Ordering::SeqCst));
    }

    fn first() {
        for size in [1, 2] {
            offer_named(&format!("g/{size}"));
        }
    }

    fn panics_midway() {
        offer_named("p/before");
        panic!("setup failed");
    }

    fn last() {
        offer_named("z");
    }

    #[test]
    fn a_listing_pass_records_offers_in_order_without_running_them() {
        let benches = list(&[first, panics_midway, last], "target");
        let ids: Vec<&str> = benches.iter().map(|b| b.id.as_str()).collect();
        // The panicking group keeps what it offered before the panic; the next group runs.
        assert_eq!(ids, ["g/1", "g/2", "p/before", "z"]);
        assert!(
            benches
                .iter()
                .all(|b| b.is_dynamic() && b.suite == "target")
        );
        assert!(benches[0].entry.file.ends_with("mod.rs"));
        assert!(
            !CALLED.load(Ordering::SeqCst),
            "a listing pass calls no closure"
        );
        // Outside any pass an offer does nothing either.
        offer_named("outside");
        assert!(!CALLED.load(Ordering::SeqCst));
    }
}
