"""Reference values for qudag-bench's paired A/B estimator (src/stats/paired.rs).

Regenerate with:
    pip install numpy==2.4.6 scipy==1.17.1
    python3 tests/reference/paired.py
and paste the output into src/stats/paired.rs's tests.
"""
import numpy as np
import scipy.stats as st

for rounds in ([0.0123, 0.0087, 0.0151, 0.0102, 0.0139], [-0.004, 0.006]):
    x = np.array(rounds)
    mean = float(x.mean())
    half = float(st.t.ppf(0.95, len(x) - 1) * st.sem(x))
    print("rounds =", rounds)
    print("mean", mean, "lower", repr(mean - half), "upper", repr(mean + half))
