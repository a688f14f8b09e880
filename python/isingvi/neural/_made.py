"""Masked autoregressive networks (MADE, Germain et al. 2015) over N binary units.

The units are ±1 and ordered 0, 1, ..., N-1. The network maps x to N logits; logit i reads
only x_0 ... x_{i-1}, so q(x) = prod_i sigmoid(x_i logit_i(x_<i)) is normalised by
construction and can be sampled exactly one unit at a time. Each hidden unit gets a degree
m in [1, N-1] and sees inputs 0 ... m-1; output i sees hidden units of degree <= i; a direct
masked linear path (input j -> output i for j < i) carries the pair terms an Ising model
starts from. Parameters are a dict of arrays (a JAX pytree); the masks are fixed.

Sampling cost: with one hidden layer (``depth=1``), :func:`sample` keeps each hidden unit's
pre-activation and adds a unit's contribution to it when the unit is drawn, so that each
unit costs O(width + N) (its output row and direct path), O(N (width + N)) per sample rather
than a full pass per unit; deeper networks need a full pass per unit, O(N · network) per
sample (:func:`sample_naive`).
"""

from __future__ import annotations

import numpy as np

from ._jax import require_jax


def masks(n: int, width: int, depth: int) -> dict:
    """The fixed 0/1 masks of a MADE with ``depth`` hidden layers of ``width`` units."""
    d_in = np.arange(1, n + 1)
    hidden = [
        np.arange(width) % max(n - 1, 1) + 1 for _ in range(depth)
    ]  # degrees 1 .. N-1, cyclic
    out = {"direct": np.tril(np.ones((n, n), np.float32), k=-1)}
    prev = d_in
    for layer, m in enumerate(hidden):
        # input j (degree j + 1) feeds hidden degree m when m >= j + 1; layers: m' >= m
        out[f"hidden{layer}"] = (m[:, None] >= prev[None, :]).astype(np.float32)
        prev = m
    out["output"] = (d_in[:, None] > prev[None, :]).astype(np.float32)  # output i: degree <= i
    if n == 1:  # the single unit has no predecessors: only its bias
        out["output"][:] = 0.0
    return out


def init(key, n: int, width: int, depth: int) -> dict:
    """Random parameters: weights ~ N(0, 1/fan_in), zero biases, zero direct path."""
    jax, jnp, _ = require_jax()
    keys = jax.random.split(key, depth + 1)
    params, fan_in = {}, n
    for layer in range(depth):
        params[f"W{layer}"] = jax.random.normal(keys[layer], (width, fan_in)) / np.sqrt(fan_in)
        params[f"b{layer}"] = jnp.zeros(width)
        fan_in = width
    params["V"] = jax.random.normal(keys[depth], (n, width)) / np.sqrt(width) * 0.1
    params["c"] = jnp.zeros(n)
    params["A"] = jnp.zeros((n, n))
    return params


def logits(params: dict, mask: dict, x):
    """Logits (B, N) of q(x_i = +1 | x_<i) for ±1 inputs x (B, N)."""
    _, jnp, _ = require_jax()
    h, layer = x, 0
    while f"W{layer}" in params:
        h = jnp.tanh(h @ (params[f"W{layer}"] * mask[f"hidden{layer}"]).T + params[f"b{layer}"])
        layer += 1
    return h @ (params["V"] * mask["output"]).T + params["c"] + x @ (params["A"] * mask["direct"]).T


def log_prob(params: dict, mask: dict, x):
    """ln q(x) (B,) for ±1 configurations x (B, N)."""
    jax, jnp, _ = require_jax()
    return jnp.sum(jax.nn.log_sigmoid(x * logits(params, mask, x)), axis=-1)


def sample(params: dict, mask: dict, key, batch: int):
    """Exact samples x (batch, N) of ±1 and their ln q, unit by unit.

    One hidden layer: incremental (O(N (width + N)) per sample); deeper: a full pass per unit.
    """
    jax, jnp, _ = require_jax()
    if "W1" in params:
        return sample_naive(params, mask, key, batch)
    n = params["c"].shape[0]
    W = params["W0"] * mask["hidden0"]  # (H, N): column i is unit i's contribution
    V = params["V"] * mask["output"]
    A = params["A"] * mask["direct"]
    uniforms = jax.random.uniform(key, (n, batch))

    # Batch on the last axis: pre-activations (H, B) and the units drawn so far (N, B, zero
    # beyond), so that output i reads one row of V and of A.
    def step(carry, inputs):
        pre, x = carry
        i, u = inputs
        logit = params["c"][i] + V[i] @ jnp.tanh(pre) + A[i] @ x
        xi = jnp.where(u < jax.nn.sigmoid(logit), 1.0, -1.0)
        return (pre + W[:, i][:, None] * xi[None, :], x.at[i].set(xi)), jax.nn.log_sigmoid(
            xi * logit
        )

    start = (jnp.broadcast_to(params["b0"][:, None], (W.shape[0], batch)), jnp.zeros((n, batch)))
    (_, x), lps = jax.lax.scan(step, start, (jnp.arange(n), uniforms))
    return x.T, lps.sum(axis=0)


def sample_naive(params: dict, mask: dict, key, batch: int):
    """The same samples as :func:`sample` (same draws), by a full network pass per unit."""
    jax, jnp, _ = require_jax()
    n = params["c"].shape[0]
    uniforms = jax.random.uniform(key, (n, batch))

    def step(x, inputs):
        i, u = inputs
        logit = logits(params, mask, x)[:, i]
        xi = jnp.where(u < jax.nn.sigmoid(logit), 1.0, -1.0)
        return x.at[:, i].set(xi), jax.nn.log_sigmoid(xi * logit)

    x, lps = jax.lax.scan(step, jnp.zeros((batch, n)), (jnp.arange(n), uniforms))
    return x, lps.sum(axis=0)
