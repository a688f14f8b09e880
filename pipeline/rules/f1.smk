# F1: lattice thermodynamics of the 2D Ising model (u, c, m, chi vs T), Monte Carlo against
# Kaufman (finite L) and Onsager (L = inf).
# One MC job per (L, algorithm, replicate) sweeps all its temperatures in one core call;
# the exact job tabulates Kaufman (each L) and Onsager; aggregate and plot are local rules.
# This file and f1_jobs.smk are the template for the other experiments (pipeline/README.md).


include: "f1_jobs.smk"


F1_MC_TABLES = per_job_tables(
    "f1",
    "results/f1/mc/L{L}_{algorithm}_r{rep}.csv",
    f1_mc_table,
    L=F1_SIZES,
    algorithm=F1_ALGORITHMS,
    rep=F1_REPS,
)
paper(
    "results/f1/f1_thermodynamics.csv",
    "results/f1/exact.csv",
    "results/figures/F1_thermodynamics.pdf",
    "results/figures/F1_thermodynamics.png",
)


localrules:
    f1_aggregate,
    f1_plot,


rule f1_mc:
    """Monte Carlo sweep of one (L, algorithm, replicate) over its temperatures."""
    output:
        "results/f1/mc/L{L}_{algorithm}_r{rep}.csv",
    log:
        "logs/f1/mc/L{L}_{algorithm}_r{rep}.log",
    benchmark:
        "benchmarks/f1/mc/L{L}_{algorithm}_r{rep}.tsv"
    threads: F1_MC_THREADS
    resources:
        mem_mb=f1_mc_mem_mb,
        runtime=f1_mc_runtime,
    params:
        job=f1_mc_job,
    script:
        "../scripts/f1_mc.py"


rule f1_exact:
    """Kaufman's finite-L and Onsager's infinite-lattice thermodynamics on a fine T grid."""
    output:
        "results/f1/exact.csv",
    log:
        "logs/f1/exact.log",
    benchmark:
        "benchmarks/f1/exact.tsv"
    threads: 1
    resources:
        mem_mb=512,
        runtime="5m",
    params:
        job=f1_exact_job(),
    script:
        "../scripts/f1_exact.py"


rule f1_aggregate:
    """Concatenate the checked MC tables: one row per (L, T, algorithm, replicate)."""
    input:
        tables=F1_MC_TABLES,
        checked=checked("f1"),
    output:
        "results/f1/f1_thermodynamics.csv",
    log:
        "logs/f1/aggregate.log",
    run:
        concat_tables(
            input.tables,
            output[0],
            log[0],
            sort_by=["L", "algorithm", "replicate", "T"],
        )


rule f1_plot:
    """Figure F1: u, c, m and chi vs T; MC points, Kaufman and Onsager lines."""
    input:
        mc="results/f1/f1_thermodynamics.csv",
        exact="results/f1/exact.csv",
    output:
        **figure("results/figures/F1_thermodynamics.pdf", "F1", caption="../report/f1.rst"),
    log:
        "logs/f1/plot.log",
    script:
        "../scripts/f1_plot.py"
