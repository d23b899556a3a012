//! Change points of a series by E-divisive means (Matteson and James, "A Nonparametric
//! Approach for Multiple Change Point Analysis of Multivariate Data", JASA 109(505), 2014), the
//! method MongoDB runs over its performance CI history (Daly et al., "The Use of Change Point
//! Detection to Identify Software Performance Regressions in a Continuous Integration System",
//! ICPE 2020).
//!
//! For a window `[a, b)` and a split `tau`, with `X = x[a..tau]` (n values) and
//! `Y = x[tau..b]` (m values), the divergence is
//! `e = 2 mean|X - Y| - mean|X - X'| - mean|Y - Y'|` (the within means over all n² and m²
//! ordered pairs) and the statistic `t = n m / (n + m) * e`. The best split of the best window
//! is a change point if a permutation test finds it significant: the values of each window are
//! shuffled within it, the best statistic recomputed, and the p-value is
//! `(1 + shuffles at least as large) / (1 + shuffles)` (Matteson and James's; MongoDB's
//! implementation leaves out the 1 in the numerator, which can give 0). Found change points
//! bound new windows, until the next best split is not significant. Shuffles use a fixed seed,
//! so one series always gives the same answer. `qudag-bench history --changes` runs it over
//! each benchmark's run medians on each host ([`super::series`]).

/// A change point: the first index of the new level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangePoint {
    /// Index of the first value after the change.
    pub index: usize,
    /// The split's statistic `t`.
    pub statistic: f64,
    /// Its permutation p-value.
    pub p_value: f64,
}

/// How the search runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Search {
    /// Significance level of each permutation test.
    pub alpha: f64,
    /// Shuffles per test.
    pub permutations: u32,
    /// Fewest values on each side of a split (1 allows any split).
    pub min_size: usize,
    /// Seed of the shuffles.
    pub seed: u64,
}

impl Default for Search {
    fn default() -> Search {
        Search {
            alpha: 0.01,
            permutations: 199,
            min_size: 3,
            seed: 0x4544_4956,
        }
    }
}

/// The statistic `t` of every split `tau` in `0..n` of `values` (0 at `tau = 0`).
pub fn statistics(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let d = |i: usize, j: usize| (values[i] - values[j]).abs();
    // Sums over unordered pairs: across the split, within X, within Y.
    let (mut across, mut within_x) = (0.0, 0.0);
    let mut within_y: f64 = (0..n)
        .map(|i| (i + 1..n).map(|j| d(i, j)).sum::<f64>())
        .sum();
    let mut out = Vec::with_capacity(n);
    for tau in 0..n {
        out.push(split_statistic(across, within_x, within_y, tau, n - tau));
        // Value `tau` moves from Y to X.
        let to_x: f64 = (0..tau).map(|i| d(i, tau)).sum();
        let to_y: f64 = (tau + 1..n).map(|j| d(tau, j)).sum();
        across += to_y - to_x;
        within_x += to_x;
        within_y -= to_y;
    }
    out
}

/// `t` from the pair sums of a split into `n` and `m` values.
fn split_statistic(across: f64, within_x: f64, within_y: f64, n: usize, m: usize) -> f64 {
    if n == 0 || m == 0 {
        return 0.0;
    }
    let (nf, mf) = (n as f64, m as f64);
    let e = 2.0 * across / (nf * mf) - 2.0 * within_x / (nf * nf) - 2.0 * within_y / (mf * mf);
    nf * mf / (nf + mf) * e
}

/// The best split of `values` with at least `min_size` values on each side: its index and
/// statistic; `None` when the window is too short to split.
fn best_split(values: &[f64], min_size: usize) -> Option<(usize, f64)> {
    let min_size = min_size.max(1);
    if values.len() < 2 * min_size {
        return None;
    }
    let t = statistics(values);
    (min_size..=values.len() - min_size)
        .map(|tau| (tau, t[tau]))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// The change points of `values`, in index order.
pub fn e_divisive(values: &[f64], search: Search) -> Vec<ChangePoint> {
    let mut rng = fastrand::Rng::with_seed(search.seed);
    let mut found: Vec<ChangePoint> = Vec::new();
    loop {
        let bounds = windows(values.len(), &found);
        let best = bounds
            .iter()
            .filter_map(|&(a, b)| {
                best_split(&values[a..b], search.min_size).map(|(tau, t)| (a + tau, t))
            })
            .max_by(|x, y| x.1.total_cmp(&y.1));
        let Some((index, statistic)) = best else {
            break;
        };
        let p_value = permutation_p(values, &bounds, statistic, search, &mut rng);
        if p_value > search.alpha {
            break;
        }
        found.push(ChangePoint {
            index,
            statistic,
            p_value,
        });
    }
    found.sort_by_key(|c| c.index);
    found
}

/// The windows between the change points found so far.
fn windows(n: usize, found: &[ChangePoint]) -> Vec<(usize, usize)> {
    let mut cuts: Vec<usize> = found.iter().map(|c| c.index).collect();
    cuts.sort_unstable();
    let edges: Vec<usize> = std::iter::once(0).chain(cuts).chain([n]).collect();
    edges.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The share of shuffles (each window shuffled within itself) whose best statistic reaches
/// `observed`, counting the observed order as one of them.
fn permutation_p(
    values: &[f64],
    bounds: &[(usize, usize)],
    observed: f64,
    search: Search,
    rng: &mut fastrand::Rng,
) -> f64 {
    let mut shuffled = values.to_vec();
    let mut as_large = 0u32;
    for _ in 0..search.permutations {
        let best = bounds
            .iter()
            .filter_map(|&(a, b)| {
                rng.shuffle(&mut shuffled[a..b]);
                best_split(&shuffled[a..b], search.min_size).map(|(_, t)| t)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        if best >= observed {
            as_large += 1;
        }
    }
    f64::from(1 + as_large) / f64::from(1 + search.permutations)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: signal-processing-algorithms 2.1 (MongoDB's E-divisive), `from
    /// signal_processing_algorithms.energy_statistics import energy_statistics as es;
    /// s = [1.0, 1.2, 0.9, 1.1, 5.0, 5.2, 4.9, 5.1, 5.0];
    /// es._calculate_t_stats(es._get_distance_matrix(es._convert(s), False), False)`.
    #[test]
    fn the_statistic_of_every_split_matches_mongodbs_implementation() {
        let s = [1.0, 1.2, 0.9, 1.1, 5.0, 5.2, 4.9, 5.1, 5.0];
        let reference = [
            0.0,
            2.8666666666666663,
            6.066666666666667,
            10.833333333333332,
            17.206666666666667,
            11.046666666666667,
            6.8000000000000025,
            4.05238095238095,
            1.7666666666666613,
        ];
        let t = statistics(&s);
        assert_eq!(t.len(), reference.len());
        for (got, want) in t.iter().zip(reference) {
            assert!((got - want).abs() < 1e-9, "{t:?}");
        }
    }

    /// Reference: the same package, `np.random.seed(1); es.e_divisive(a, pvalue=0.01,
    /// permutations=199)` on `a` below (numpy's `default_rng(7)`: 25 values around 100, 20
    /// around 110, 15 around 104, rounded to 3 decimals) gives `[25, 45]`; on the 30 values
    /// around 100 after them, `np.random.seed(2)`, it gives `[]`.
    #[test]
    fn two_shifts_are_found_where_mongodbs_implementation_finds_them_and_none_in_noise() {
        let a = [
            100.001, 100.299, 99.726, 99.109, 99.545, 99.008, 100.06, 101.34, 99.508, 99.38,
            100.49, 100.357, 100.105, 99.07, 99.971, 100.695, 98.656, 99.542, 98.099, 98.71,
            98.158, 99.765, 98.733, 100.271, 100.157, 109.813, 107.483, 109.461, 109.951, 110.113,
            108.47, 109.522, 109.021, 109.191, 111.061, 109.192, 109.967, 110.884, 109.416,
            109.888, 110.11, 110.064, 108.775, 110.076, 111.359, 102.453, 104.859, 104.119,
            103.359, 106.0, 104.762, 102.801, 104.075, 104.577, 103.811, 104.683, 103.933, 104.667,
            105.439, 103.324,
        ];
        let search = Search {
            min_size: 1,
            ..Search::default()
        };
        let found = e_divisive(&a, search);
        let at: Vec<usize> = found.iter().map(|c| c.index).collect();
        assert_eq!(at, [25, 45]);
        assert!(found.iter().all(|c| c.p_value <= 0.01), "{found:?}");
        let with_default: Vec<usize> = (e_divisive(&a, Search::default()).iter())
            .map(|c| c.index)
            .collect();
        assert_eq!(with_default, [25, 45], "segments of 3 or more");
        let noise = [
            100.203, 99.537, 100.127, 98.813, 99.421, 99.804, 100.899, 101.145, 98.676, 99.205,
            100.647, 98.008, 99.537, 99.903, 101.257, 100.689, 99.673, 99.631, 99.75, 101.524,
            99.572, 99.696, 100.353, 99.879, 99.803, 98.886, 99.988, 99.556, 101.166, 100.653,
        ];
        assert_eq!(e_divisive(&noise, search), []);
        assert_eq!(e_divisive(&noise, Search::default()), []);
    }

    #[test]
    fn short_series_and_constant_ones_have_no_change() {
        assert_eq!(e_divisive(&[], Search::default()), []);
        assert_eq!(e_divisive(&[1.0, 2.0, 3.0], Search::default()), []);
        assert_eq!(e_divisive(&[5.0; 40], Search::default()), []);
        assert_eq!(statistics(&[]), Vec::<f64>::new());
    }
}
