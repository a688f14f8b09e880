"""The models of F9 from their job spec (shared by the F9 scripts)."""

import isingvi as iv


def build(spec: dict):
    """The model and its number of spins."""
    if spec["kind"] == "square":
        return iv.SquareLattice(spec["L"]), spec["L"] ** 2
    return iv.models.sk(spec["N"], seed=spec["disorder_seed"]), spec["N"]


def exact_free_energy(spec: dict, model, T):
    """Exact f per spin: Kaufman's finite torus, or enumeration of every state."""
    if spec["kind"] == "square":
        return iv.exact.kaufman(spec["L"], T)["f"].to_numpy()
    return iv.exact.enumerate(model, T)["f"].to_numpy()
