"""Reference values for qudag-bench's comparison statistics (Mann-Whitney U, Holm).

Regenerate with:
    pip install numpy==2.4.6 scipy==1.17.1
    python3 tests/reference/compare.py
and paste the output into src/stats/compare.rs's tests.
"""
import numpy as np
import scipy.stats as st

rng = np.random.default_rng(5)
a = np.round(rng.normal(100.0, 2.0, 60), 3)
b = np.round(rng.normal(101.5, 2.0, 50), 3)
ties_a = np.array([1, 2, 2, 3, 3, 3, 4, 5, 5, 6], dtype=float)
ties_b = np.array([2, 3, 4, 4, 5, 6, 6, 7, 7, 8, 9], dtype=float)
for name, x, y in [("normal", a, b), ("ties", ties_a, ties_b)]:
    r = st.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
    print(name, "x =", list(map(float, x)))
    print(name, "y =", list(map(float, y)))
    print(name, "U =", float(r.statistic), "p =", repr(float(r.pvalue)))

# The fastest-samples change that the baseline verdict also requires (FASTEST_QUANTILE = 0.01,
# numpy's default linear interpolation, as quantile_sorted):
print("normal fastest change =", repr(float(np.quantile(b, 0.01) / np.quantile(a, 0.01) - 1.0)))
