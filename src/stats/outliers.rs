//! Tukey's fences: mild outliers lie beyond 1.5 IQR from the quartiles, severe ones beyond 3 IQR.
//! Outliers are counted and reported, never removed.

use super::summary::quantile_sorted;
use crate::schema::Outliers;

/// Counts Tukey outliers using type-7 quartiles.
pub fn tukey(values: &[f64]) -> Outliers {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q1 = quantile_sorted(&sorted, 0.25);
    let q3 = quantile_sorted(&sorted, 0.75);
    let iqr = q3 - q1;
    let mut out = Outliers::default();
    for &x in &sorted {
        if x < q1 - 3.0 * iqr {
            out.low_severe += 1;
        } else if x < q1 - 1.5 * iqr {
            out.low_mild += 1;
        } else if x > q3 + 3.0 * iqr {
            out.high_severe += 1;
        } else if x > q3 + 1.5 * iqr {
            out.high_mild += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_fence() {
        // Quartiles of 1..=8 (type 7): Q1 = 2.75, Q3 = 6.25, IQR = 3.5;
        // fences: mild (-2.5, 11.5), severe (-7.75, 16.75).
        let mut v: Vec<f64> = (1..=8).map(f64::from).collect();
        v.extend([12.0, 17.0, -3.0, -8.0]);
        // Adding values moves the quartiles; recompute by hand for the 12 values:
        // sorted: -8 -3 1 2 3 4 5 6 7 8 12 17 ; Q1 = 1.75, Q3 = 7.25, IQR = 5.5
        // mild fences (-6.5, 15.5), severe (-14.75, 23.75): -8 low mild, 17 high mild.
        let o = tukey(&v);
        assert_eq!(
            o,
            Outliers {
                low_severe: 0,
                low_mild: 1,
                high_mild: 1,
                high_severe: 0
            }
        );
        let mut w: Vec<f64> = vec![10.0; 20];
        w[0] = 9.0;
        w[1] = 11.0;
        w.push(1000.0);
        // IQR = 0: every value other than 10 is a severe outlier.
        let o = tukey(&w);
        assert_eq!(
            o,
            Outliers {
                low_severe: 1,
                low_mild: 0,
                high_mild: 0,
                high_severe: 2
            }
        );
        assert_eq!(o.total(), 3);
    }
}
