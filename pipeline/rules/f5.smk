# F5: disordered models against exact enumeration. One job per (model, disorder instance)
# enumerates the instance and runs MF, TAP, BP and the parallel-tempering reference over the
# temperature grid; beyond enumeration, one job per (L, disorder instance) of the Edwards-Anderson
# glass has parallel tempering as the reference. Aggregate and plot are local rules.


include: "f5_jobs.smk"


F5_TABLES = per_job_tables(
    "f5",
    "results/f5/instances/{model}_d{disorder}.csv",
    f5_table,
    model=F5_MODELS,
    disorder=F5_DISORDER,
) + per_job_tables(
    "f5",
    "results/f5/tempering/ea_L{L}_d{disorder}.csv",
    f5_tempering_table,
    L=F5_PT_SIZES,
    disorder=F5_PT_DISORDER,
)
paper(
    "results/f5/f5_disordered.csv",
    "results/figures/F5_disordered.pdf",
    "results/figures/F5_disordered.png",
)


wildcard_constraints:
    model=r"[a-z]+",
    disorder=r"\d+",


localrules:
    f5_aggregate,
    f5_plot,


rule f5_instance:
    """Exact enumeration, mean field, TAP and BP for one disorder instance over the F5 grid."""
    output:
        "results/f5/instances/{model}_d{disorder}.csv",
    log:
        "logs/f5/instances/{model}_d{disorder}.log",
    benchmark:
        "benchmarks/f5/instances/{model}_d{disorder}.tsv"
    threads: 1
    resources:
        mem_mb=f5_mem_mb_of(f5_job),
        runtime=f5_runtime_of(f5_job),
    params:
        job=f5_job,
    script:
        "../scripts/f5_instance.py"


rule f5_tempering:
    """Parallel tempering (the reference u, marginals and f), mean field, TAP and BP for one
    Edwards-Anderson instance too large to enumerate."""
    output:
        "results/f5/tempering/ea_L{L}_d{disorder}.csv",
    log:
        "logs/f5/tempering/ea_L{L}_d{disorder}.log",
    benchmark:
        "benchmarks/f5/tempering/ea_L{L}_d{disorder}.tsv"
    threads: 2  # the replicas share the threads; the results do not depend on how many
    resources:
        mem_mb=f5_mem_mb_of(f5_tempering_job),
        runtime=f5_runtime_of(f5_tempering_job),
    params:
        job=f5_tempering_job,
    script:
        "../scripts/f5_instance.py"


rule f5_aggregate:
    """One table: a row per (model, N, disorder instance, method, T)."""
    input:
        tables=F5_TABLES,
        checked=checked("f5"),
    output:
        "results/f5/f5_disordered.csv",
    log:
        "logs/f5/aggregate.log",
    run:
        concat_tables(
            input.tables,
            output[0],
            log[0],
            sort_by=["model", "N", "disorder", "method", "T"],
        )


rule f5_plot:
    """Figure F5: free-energy and marginal errors of MF, TAP and BP, averaged over disorder."""
    input:
        "results/f5/f5_disordered.csv",
    output:
        **figure("results/figures/F5_disordered.pdf", "F5", caption="../report/f5.rst"),
    log:
        "logs/f5/plot.log",
    script:
        "../scripts/f5_plot.py"
