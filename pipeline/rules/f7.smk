# F7: a Bernoulli mixture learns the Boltzmann distribution of the L x L Ising model.
# One job per (L, replicate) samples all its temperatures in one Wolff call (saving the
# configurations) and fits every K at every T; the exact entropy s(T) comes from enumeration
# (L <= 5) or Kaufman; aggregate and plot are local.


include: "f7_jobs.smk"


localrules:
    f7_aggregate,
    f7_plot,


F7_FIT_TABLES = per_job_tables(
    "f7", "results/f7/fits/L{L}_r{rep}.csv", f7_table, L=F7_SIZES, rep=F7_REPS
)
paper(
    "results/f7/f7_entropy.csv",
    "results/f7/exact.csv",
    "results/figures/F7_entropy_bounds.pdf",
    "results/figures/F7_entropy_bounds.png",
)


rule f7_fit:
    """Wolff samples of one (L, replicate) at every T; Bernoulli mixtures for every K."""
    output:
        "results/f7/fits/L{L}_r{rep}.csv",
    log:
        "logs/f7/fits/L{L}_r{rep}.log",
    benchmark:
        "benchmarks/f7/fits/L{L}_r{rep}.tsv"
    threads: 1
    resources:
        mem_mb=f7_mem_mb,
        runtime=f7_runtime,
    params:
        job=f7_job,
    script:
        "../scripts/f7_fit.py"


rule f7_exact:
    """Exact entropy per spin s(T) of every L on a fine grid (enumeration or Kaufman)."""
    output:
        "results/f7/exact.csv",
    log:
        "logs/f7/exact.log",
    benchmark:
        "benchmarks/f7/exact.tsv"
    threads: 1
    resources:
        mem_mb=512,
        runtime="5m",
    params:
        job=f7_exact_job(),
    script:
        "../scripts/f7_exact.py"


rule f7_aggregate:
    """Concatenate the fit tables: one row per (L, T, K, replicate)."""
    input:
        tables=F7_FIT_TABLES,
        checked=checked("f7"),
    output:
        "results/f7/f7_entropy.csv",
    log:
        "logs/f7/aggregate.log",
    run:
        concat_tables(input.tables, output[0], log[0], sort_by=["L", "replicate", "T", "K"])


rule f7_plot:
    """Figure F7: s(T) <= held-out cross-entropy <= -ELBO(hard) per spin, for every K and L."""
    input:
        fits="results/f7/f7_entropy.csv",
        exact="results/f7/exact.csv",
    output:
        **figure("results/figures/F7_entropy_bounds.pdf", "F7", caption="../report/f7.rst"),
    log:
        "logs/f7/plot.log",
    script:
        "../scripts/f7_plot.py"
