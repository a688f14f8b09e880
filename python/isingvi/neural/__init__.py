"""Neural variational inference with JAX (the optional extra ``neural``).

- :func:`van`: variational autoregressive networks, the variational free energy F_q ≥ F of a
  neural trial distribution for any Ising model, and neural importance sampling from it.
- :class:`VAE`: a variational autoencoder on binary data, with its ELBO and IWAE_K bounds.
- :class:`MADE`: an autoregressive density model fitted by maximum likelihood, whose held-out
  cross-entropy is exact.

Install with ``pip install "isingvi[neural]"`` (JAX on the CPU; ``pip install "jax[cuda12]"``
runs the same code on an NVIDIA GPU). Each XLA operation runs on one CPU thread unless
``XLA_FLAGS`` is set before JAX is first imported, so that results are bit-identical on any
machine; importing this module without JAX works, and the first call says what to install.
"""

from __future__ import annotations

from .density import MADE
from .vae import VAE
from .van import VANResult, van

__all__ = ["MADE", "VAE", "VANResult", "van"]
