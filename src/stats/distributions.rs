//! The two distribution functions the comparisons need, computed here rather than taken from
//! a statistics crate (statrs and what it brings cost a user's bench build 5 crates): the
//! standard normal's upper tail, through erfc, and Student's t quantile for a whole number of
//! degrees of freedom, through the closed form of its distribution function (Abramowitz and
//! Stegun 26.7.3-4). The tests check both against independent computations, and
//! `paired`'s and `two_sample`'s tests against scipy.

use std::f64::consts::{FRAC_2_SQRT_PI, PI, SQRT_2};

/// `P(Z > z)` for a standard normal `Z`.
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / SQRT_2)
}

/// The complementary error function, to about 1e-15 relative.
fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x < 0.0 {
        2.0 - erfc(-x)
    } else if x < 2.0 {
        1.0 - erf_series(x)
    } else {
        erfc_fraction(x)
    }
}

/// `erf(x) = 2/sqrt(pi) e^(-x^2) sum 2^n x^(2n+1) / (1 3 ... (2n+1))`: positive terms, no
/// cancellation; for `0 <= x < 2`.
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let (mut term, mut sum) = (x, x);
    let mut n = 0.0;
    while term > sum * 1e-17 {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
    }
    FRAC_2_SQRT_PI * (-x2).exp() * sum
}

/// `erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))`, evaluated by
/// the modified Lentz method; for `x >= 2`, where it converges fast.
fn erfc_fraction(x: f64) -> f64 {
    let tiny = 1e-300;
    let mut f = x;
    let (mut c, mut d) = (x, 0.0);
    for k in 1..1000 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        d = 1.0 / if d == 0.0 { tiny } else { d };
        c = x + a / c;
        if c == 0.0 {
            c = tiny;
        }
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / PI.sqrt() / f
}

/// The `p` quantile (0 < `p` < 1) of Student's t with `df` >= 1 degrees of freedom.
pub fn students_t_quantile(p: f64, df: u64) -> f64 {
    assert!(p > 0.0 && p < 1.0 && df >= 1, "p in (0, 1) and df >= 1");
    if p < 0.5 {
        return -students_t_quantile(1.0 - p, df);
    }
    // |T| <= t with probability 2p - 1: bisect on t, the probability rising with it.
    let inside = 2.0 * p - 1.0;
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while central(hi, df) < inside {
        hi *= 2.0;
    }
    loop {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            return mid;
        }
        match central(mid, df) < inside {
            true => lo = mid,
            false => hi = mid,
        }
    }
}

/// `P(|T| <= t)` for `t >= 0` (A&S 26.7.3 for odd `df`, 26.7.4 for even).
fn central(t: f64, df: u64) -> f64 {
    let theta = (t / (df as f64).sqrt()).atan();
    let (s, c) = theta.sin_cos();
    let c2 = c * c;
    if df % 2 == 1 {
        // (2/pi)(theta + sin(theta)(cos + (2/3)cos^3 + (2 4)/(3 5)cos^5 + ... cos^(df-2)))
        let mut sum = 0.0;
        if df > 1 {
            let mut term = c;
            sum = c;
            let mut j = 1;
            while 2 * j + 1 < df {
                term *= (2 * j) as f64 / (2 * j + 1) as f64 * c2;
                sum += term;
                j += 1;
            }
        }
        2.0 / PI * (theta + s * sum)
    } else {
        // sin(theta)(1 + (1/2)cos^2 + (1 3)/(2 4)cos^4 + ... cos^(df-2))
        let (mut term, mut sum) = (1.0, 1.0);
        let mut j = 1;
        while 2 * j < df {
            term *= (2 * j - 1) as f64 / (2 * j) as f64 * c2;
            sum += term;
            j += 1;
        }
        s * sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs()
    }

    #[test]
    fn the_normal_tail_matches_libm_erfc() {
        // 0.5 * math.erfc(z / sqrt(2)) in Python (the C library's erfc).
        for (z, sf) in [
            (0.0, 0.5),
            (0.5, 0.3085375387259869),
            (1.0, 0.15865525393145707),
            (2.5, 0.006209665325776139),
            (3.0, 0.0013498980316300957),
            (5.0, 2.866515718791946e-07),
            (-1.0, 0.8413447460685429),
        ] {
            assert!(
                close(normal_sf(z), sf, 1e-13),
                "{z}: {} vs {sf}",
                normal_sf(z)
            );
        }
    }

    #[test]
    fn t_quantiles_match_closed_forms_and_the_integrated_density() {
        // One and two degrees of freedom have closed-form quantiles.
        for p in [0.6, 0.9, 0.95, 0.99, 0.999] {
            let cauchy = (PI * (p - 0.5)).tan();
            assert!(
                close(students_t_quantile(p, 1), cauchy, 1e-12),
                "df 1 at {p}"
            );
            let x: f64 = 2.0 * p - 1.0;
            let two = (2.0 * x * x / (1.0 - x * x)).sqrt();
            assert!(close(students_t_quantile(p, 2), two, 1e-12), "df 2 at {p}");
        }
        // Others: the density integrated numerically (Simpson, 200,000 steps, in Python) and
        // solved for the quantile; good to about 1e-13.
        for (p, df, q) in [
            (0.95, 4, 2.131846786326752),
            (0.975, 4, 2.7764451051979195),
            (0.975, 9, 2.262157162797923),
            (0.99, 30, 2.4572615424007975),
            (0.05, 4, -2.131846786326752),
        ] {
            let got = students_t_quantile(p, df);
            assert!(close(got, q, 1e-11), "t({df}) at {p}: {got} vs {q}");
        }
    }

    #[test]
    fn t_quantiles_match_scipy() {
        // python3 -c "from scipy import stats; print(stats.t.ppf(p, df))" (scipy 1.17.1)
        let reference: [(f64, u64, f64); 42] = [
            (0.75, 3, 0.7648923284043444),
            (0.9, 3, 1.637744353696209),
            (0.95, 3, 2.3533634348018233),
            (0.975, 3, 3.1824463052837078),
            (0.995, 3, 5.840909309733355),
            (0.9995, 3, 12.923978636687961),
            (0.75, 4, 0.7406970841126829),
            (0.9, 4, 1.533206274058944),
            (0.95, 4, 2.1318467863266495),
            (0.975, 4, 2.7764451051977934),
            (0.995, 4, 4.604094871349992),
            (0.9995, 4, 8.610301581379522),
            (0.75, 7, 0.7111417780817866),
            (0.9, 7, 1.4149239276505086),
            (0.95, 7, 1.8945786050900062),
            (0.975, 7, 2.364624251592784),
            (0.995, 7, 3.4994832973504924),
            (0.9995, 7, 5.407882520861828),
            (0.75, 10, 0.6998120613124317),
            (0.9, 10, 1.372183641110336),
            (0.95, 10, 1.8124611228116756),
            (0.975, 10, 2.228138851986274),
            (0.995, 10, 3.16927267261695),
            (0.9995, 10, 4.586893858702708),
            (0.75, 29, 0.6830438608216131),
            (0.9, 29, 1.311433647301551),
            (0.95, 29, 1.6991270265334972),
            (0.975, 29, 2.045229642132703),
            (0.995, 29, 2.756385903670605),
            (0.9995, 29, 3.6594050194663748),
            (0.75, 100, 0.6769510430114717),
            (0.9, 100, 1.290074761346516),
            (0.95, 100, 1.6602343260853392),
            (0.975, 100, 1.9839715185235518),
            (0.995, 100, 2.6258905214380173),
            (0.9995, 100, 3.390491311164263),
            (0.75, 1000, 0.6747351646070093),
            (0.9, 1000, 1.2823987214609247),
            (0.95, 1000, 1.6463788172854643),
            (0.975, 1000, 1.9623390808264083),
            (0.995, 1000, 2.580754698065951),
            (0.9995, 1000, 3.300282648423944),
        ];
        for (p, df, q) in reference {
            let got = students_t_quantile(p, df);
            assert!(
                (got - q).abs() <= 1e-9 * q.abs().max(1.0),
                "t({df}) at {p}: {got} vs {q}"
            );
        }
    }

    #[test]
    fn the_normal_tail_matches_scipy() {
        // python3 -c "from scipy import stats; print(stats.norm.sf(z))" (scipy 1.17.1)
        let reference: [(f64, f64); 8] = [
            (-3.0, 0.9986501019683699),
            (-1.0, 0.8413447460685429),
            (0.0, 0.5),
            (0.5, 0.3085375387259869),
            (1.959963984540054, 0.025),
            (3.0, 0.0013498980316300933),
            (6.0, 9.865876450376946e-10),
            (10.0, 7.61985302416047e-24),
        ];
        for (z, sf) in reference {
            let got = normal_sf(z);
            assert!((got - sf).abs() <= 1e-13 * sf, "sf({z}): {got} vs {sf}");
        }
    }
}
