# F2: free-energy bounds on the square lattice. Per L: one deterministic job for the
# variational solvers (mean field, TAP, Bethe/BP) and one job per replicate for the sampling
# estimates (TI, AIS); one job for the exact and infinite-lattice lines; aggregate and plot
# are local rules. F9's VAN rows of the lattice (F_q and neural importance sampling at the
# largest K) join the table and figure when F9's L is one of F2's sizes.


include: "f2_jobs.smk"


F2_TABLES = per_job_tables(
    "f2", "results/f2/variational/L{L}.csv", f2_variational_table, L=F2_SIZES
)
F2_TABLES += per_job_tables(
    "f2",
    "results/f2/sampling/L{L}_r{rep}.csv",
    f2_sampling_table,
    L=F2_SIZES,
    rep=F2_REPS,
)
paper(
    "results/f2/f2_free_energy.csv",
    "results/f2/lines.csv",
    "results/figures/F2_free_energy.pdf",
    "results/figures/F2_free_energy.png",
)


localrules:
    f2_aggregate,
    f2_plot,


rule f2_variational:
    """Mean field, TAP and Bethe free energies of one L x L lattice over the F2 grid."""
    output:
        "results/f2/variational/L{L}.csv",
    log:
        "logs/f2/variational/L{L}.log",
    benchmark:
        "benchmarks/f2/variational/L{L}.tsv"
    threads: F2_THREADS
    resources:
        mem_mb=f2_variational_mem_mb,
        runtime=f2_variational_runtime,
    params:
        job=f2_variational_job,
    script:
        "../scripts/f2_variational.py"


rule f2_sampling:
    """Thermodynamic integration and annealed importance sampling for one (L, replicate)."""
    output:
        "results/f2/sampling/L{L}_r{rep}.csv",
    log:
        "logs/f2/sampling/L{L}_r{rep}.log",
    benchmark:
        "benchmarks/f2/sampling/L{L}_r{rep}.tsv"
    threads: F2_THREADS
    resources:
        mem_mb=f2_sampling_mem_mb,
        runtime=f2_sampling_runtime,
    params:
        job=f2_sampling_job,
    script:
        "../scripts/f2_sampling.py"


rule f2_lines:
    """Kaufman (each L), Onsager and the infinite-lattice mean-field and Bethe lines."""
    output:
        "results/f2/lines.csv",
    log:
        "logs/f2/lines.log",
    benchmark:
        "benchmarks/f2/lines.tsv"
    threads: 1
    resources:
        mem_mb=512,
        runtime="5m",
    params:
        job=f2_lines_job(),
    script:
        "../scripts/f2_lines.py"


rule f2_aggregate:
    """One table: a row per (L, method, replicate, T)."""
    input:
        tables=F2_TABLES,
        checked=checked("f2"),
        neural=f2_neural_tables,
        neural_checked=lambda wc: [checked("f9")] if f2_neural_tables(wc) else [],
    output:
        "results/f2/f2_free_energy.csv",
    log:
        "logs/f2/aggregate.log",
    run:
        concat_tables(
            input.tables,
            output[0],
            log[0],
            sort_by=["L", "method", "replicate", "T"],
            frames=[f2_neural_rows(input.neural)],
        )


rule f2_plot:
    """Figure F2: f vs T and f - f_exact for every method and L."""
    input:
        points="results/f2/f2_free_energy.csv",
        lines="results/f2/lines.csv",
    output:
        **figure("results/figures/F2_free_energy.pdf", "F2", caption="../report/f2.rst"),
    log:
        "logs/f2/plot.log",
    script:
        "../scripts/f2_plot.py"
