# F3: the critical point by finite-size scaling (Binder crossings, peaks of c and chi).
# One Wolff job per (lattice, L) samples all its temperatures in one core call and keeps the
# E, M series beside its table; one analysis job per lattice reweights them (multiple
# histograms, jackknife errors), finds the crossings and peaks and extrapolates T_c;
# aggregate and plot are local rules.


include: "f3_jobs.smk"


wildcard_constraints:
    lattice=r"square|cubic",


F3_MC_TABLES = f3_register_mc_tables()
paper(
    *(f"results/f3/f3_{kind}.csv" for kind in ("points", *F3_KINDS)),
    "results/figures/F3_critical_point.pdf",
    "results/figures/F3_critical_point.png",
)


localrules:
    f3_aggregate,
    f3_plot,


rule f3_mc:
    """Wolff sampling of one (lattice, L) at its temperatures: the per-T table and the E, M series."""
    output:
        table="results/f3/mc/{lattice}_L{L}.csv",
        series="results/f3/series/{lattice}_L{L}.npz",
    log:
        "logs/f3/mc/{lattice}_L{L}.log",
    benchmark:
        "benchmarks/f3/mc/{lattice}_L{L}.tsv"
    threads: F3_MC_THREADS
    resources:
        mem_mb=f3_mc_mem_mb,
        runtime=f3_mc_runtime,
    params:
        job=f3_mc_job,
    script:
        "../scripts/f3_mc.py"


rule f3_analysis:
    """Reweighted curves, Binder crossings, peaks and the extrapolated T_c of one lattice."""
    input:
        tables=f3_tables,
        series=f3_series,
        checked=checked("f3"),
    output:
        **{kind: f"results/f3/analysis/{{lattice}}_{kind}.csv" for kind in F3_KINDS},
    log:
        "logs/f3/analysis/{lattice}.log",
    benchmark:
        "benchmarks/f3/analysis/{lattice}.tsv"
    threads: 1
    resources:
        mem_mb=f3_analysis_mem_mb,
        runtime=f3_analysis_runtime,
    params:
        job=f3_analysis_job,
    script:
        "../scripts/f3_analysis.py"


rule f3_aggregate:
    """One table per kind: the checked MC tables (points) and every lattice's analysis tables."""
    input:
        **{
            kind: expand(
                "results/f3/analysis/{lattice}_{kind}.csv",
                lattice=F3_LATTICES,
                kind=kind,
            )
            for kind in F3_KINDS
        },
        points=F3_MC_TABLES,
        checked=checked("f3"),
    output:
        **{kind: f"results/f3/f3_{kind}.csv" for kind in ("points", *F3_KINDS)},
    log:
        "logs/f3/aggregate.log",
    run:
        f3_aggregate_tables(input, output, log[0])


rule f3_plot:
    """Figure F3: U4 curves, crossings extrapolated to T_c (square and cubic), c_max against Kaufman."""
    input:
        **{kind: f"results/f3/f3_{kind}.csv" for kind in ("points", *F3_KINDS)},
    output:
        **figure("results/figures/F3_critical_point.pdf", "F3", caption="../report/f3.rst"),
    log:
        "logs/f3/plot.log",
    script:
        "../scripts/f3_plot.py"
