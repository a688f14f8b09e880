# F10: amortised inference on Ising data. One job per temperature samples the lattice with
# Wolff clusters and fits a MADE and a VAE; aggregate and plot are local. The plot also
# draws F7's Bernoulli-mixture rows of the same L.


include: "f10_jobs.smk"


localrules:
    f10_aggregate,
    f10_plot,


F10_TABLES = per_job_tables("f10", "results/f10/fits/T{T}.csv", f10_table, T=F10_TEMPERATURES)
paper(
    "results/f10/f10_amortised.csv",
    "results/figures/F10_amortised_inference.pdf",
    "results/figures/F10_amortised_inference.png",
)


rule f10_fit:
    """Wolff samples at one T; MADE and VAE fits; held-out cross-entropy, -IWAE_K and -ELBO."""
    output:
        "results/f10/fits/T{T}.csv",
    log:
        "logs/f10/fits/T{T}.log",
    benchmark:
        "benchmarks/f10/fits/T{T}.tsv"
    wildcard_constraints:
        T=r"[0-9.]+",
    threads: 1  # one XLA thread: the same numbers whatever --cores is
    resources:
        mem_mb=f10_mem_mb,
        runtime=f10_runtime,
    params:
        job=f10_job,
    script:
        "../scripts/f10_fit.py"


rule f10_aggregate:
    """One table: a row per (T, method, K)."""
    input:
        tables=F10_TABLES,
        checked=checked("f10"),
    output:
        "results/f10/f10_amortised.csv",
    log:
        "logs/f10/aggregate.log",
    run:
        concat_tables(input.tables, output[0], log[0], sort_by=["T", "method", "K"])


rule f10_plot:
    """Figure F10: s(T) <= cross-entropies <= -IWAE_K <= -ELBO; -IWAE_K vs K at T_c."""
    input:
        table="results/f10/f10_amortised.csv",
        mixtures="results/f7/f7_entropy.csv",
    output:
        **figure(
            "results/figures/F10_amortised_inference.pdf",
            "F10",
            caption="../report/f10.rst",
        ),
    log:
        "logs/f10/plot.log",
    params:
        L=int(F10["L"]),
        critical_T=float(F10["critical_T"]),
    script:
        "../scripts/f10_plot.py"
