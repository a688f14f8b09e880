"""JAX, imported on first use with a fixed number of CPU threads.

XLA's CPU backend splits large operations over threads, and a different split can round
differently; one intra-op thread makes a run bit-identical whatever the machine's core count
(set ``XLA_FLAGS`` yourself before the first import to choose otherwise). On a GPU install
(``pip install "jax[cuda12]"``) the same code runs on the GPU.
"""

from __future__ import annotations

import os

_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
INSTALL_HINT = 'isingvi.neural needs JAX and optax: pip install "isingvi[neural]"'


def require_jax():
    """The modules (jax, jax.numpy, optax), or ImportError naming the extra to install."""
    os.environ.setdefault("XLA_FLAGS", _FLAGS)
    try:
        import jax
        import jax.numpy as jnp
        import optax
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError(f"{INSTALL_HINT} ({exc})") from exc
    return jax, jnp, optax
