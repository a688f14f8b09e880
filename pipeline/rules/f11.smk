# F11: critical slowing down. One job per (algorithm, L, replicate) samples at T_c and
# measures tau_int of |M| and E in sweeps; aggregate and plot (with the fit of z) are local.


include: "f11_jobs.smk"


localrules:
    f11_aggregate,
    f11_plot,


F11_TABLES = per_job_tables(
    "f11",
    "results/f11/mc/{algorithm}_L{L}_r{rep}.csv",
    f11_table,
    algorithm=F11_ALGORITHMS,
    L=F11_SIZES,
    rep=F11_REPS,
)
paper(
    "results/f11/f11_autocorrelation.csv",
    "results/f11/f11_exponents.csv",
    "results/figures/F11_critical_slowing_down.pdf",
    "results/figures/F11_critical_slowing_down.png",
)


rule f11_mc:
    """One run at T_c: time series of E and |M|, their tau_int in sweeps."""
    output:
        "results/f11/mc/{algorithm}_L{L}_r{rep}.csv",
    log:
        "logs/f11/mc/{algorithm}_L{L}_r{rep}.log",
    benchmark:
        "benchmarks/f11/mc/{algorithm}_L{L}_r{rep}.tsv"
    wildcard_constraints:
        algorithm="[a-z-]+",
    threads: 1
    resources:
        mem_mb=f11_mem_mb,
        runtime=f11_runtime,
    params:
        job=f11_job,
    script:
        "../scripts/f11_mc.py"


rule f11_aggregate:
    """One table: a row per (algorithm, L, replicate, observable)."""
    input:
        tables=F11_TABLES,
        checked=checked("f11"),
    output:
        "results/f11/f11_autocorrelation.csv",
    log:
        "logs/f11/aggregate.log",
    run:
        concat_tables(
            input.tables,
            output[0],
            log[0],
            sort_by=["algorithm", "observable", "L", "replicate"],
        )


rule f11_plot:
    """Figure F11: tau_int vs L, log-log, with the fitted z of each algorithm."""
    input:
        "results/f11/f11_autocorrelation.csv",
    output:
        **figure(
            "results/figures/F11_critical_slowing_down.pdf",
            "F11",
            caption="../report/f11.rst",
        ),
        exponents="results/f11/f11_exponents.csv",
    log:
        "logs/f11/plot.log",
    params:
        fit_min_L=int(F11["fit_min_L"]),
    script:
        "../scripts/f11_plot.py"
