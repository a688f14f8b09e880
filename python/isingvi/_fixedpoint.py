"""What the fixed-point solvers' results share (mean field, TAP and BP): the tidy summary."""
from __future__ import annotations

import numpy as np
import pandas as pd


def summary_table(result, labels: dict) -> pd.DataFrame:
    """One row per temperature: T, beta, the solver's settings ``labels`` (in order), f, u (per
    spin), m (mean of m_i), abs_m (mean of |m_i|), converged, n_iter."""
    return pd.DataFrame(
        {
            "T": result.T,
            "beta": 1.0 / result.T,
            **labels,
            "f": result.f,
            "u": result.u,
            "m": result.m.mean(axis=1),
            "abs_m": np.abs(result.m).mean(axis=1),
            "converged": result.converged,
            "n_iter": result.n_iter,
        }
    )
