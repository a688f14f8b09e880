# F9: neural variational free energy. One job per (model, beta) trains a VAN and samples
# from it; one job per model gives the exact f and the mean-field, TAP and Bethe values;
# aggregate and plot are local. The lattice VAN rows also join F2's table and figure.


include: "f9_jobs.smk"


localrules:
    f9_aggregate,
    f9_plot,


F9_VAN_TABLES, F9_TRACE_TABLES = [], []
for _model, _betas in F9_BETAS.items():
    F9_VAN_TABLES += per_job_tables(
        "f9",
        "results/f9/van/{model}_b{beta}.csv",
        f9_van_table,
        model=[_model],
        beta=_betas,
    )
    F9_TRACE_TABLES += per_job_tables(
        "f9",
        "results/f9/traces/{model}_b{beta}.csv",
        f9_trace_table,
        model=[_model],
        beta=_betas,
    )
F9_REFERENCE_TABLES = per_job_tables(
    "f9", "results/f9/reference/{model}.csv", f9_reference_table, model=list(F9_MODELS)
)
paper(
    "results/f9/f9_neural.csv",
    "results/f9/f9_traces.csv",
    "results/figures/F9_neural_free_energy.pdf",
    "results/figures/F9_neural_free_energy.png",
)


rule f9_van:
    """Train a VAN on one model at one beta: F_q (a bound), f_K by neural importance sampling."""
    output:
        table="results/f9/van/{model}_b{beta}.csv",
        trace="results/f9/traces/{model}_b{beta}.csv",
    log:
        "logs/f9/van/{model}_b{beta}.log",
    benchmark:
        "benchmarks/f9/van/{model}_b{beta}.tsv"
    wildcard_constraints:
        model="[a-z]+",
        beta=r"[0-9.]+",
    threads: 1  # one XLA thread: the same numbers whatever --cores is
    resources:
        mem_mb=f9_van_mem_mb,
        runtime=f9_van_runtime,
    params:
        job=f9_van_job,
    script:
        "../scripts/f9_van.py"


rule f9_reference:
    """Exact f (Kaufman or enumeration), mean field, TAP and Bethe of one model at every beta."""
    output:
        "results/f9/reference/{model}.csv",
    log:
        "logs/f9/reference/{model}.log",
    benchmark:
        "benchmarks/f9/reference/{model}.tsv"
    wildcard_constraints:
        model="[a-z]+",
    threads: 1
    resources:
        mem_mb=1024,
        runtime="10m",
    params:
        job=f9_reference_job,
    script:
        "../scripts/f9_reference.py"


rule f9_aggregate:
    """One table (a row per model, beta, method and K) and one of every training trace."""
    input:
        tables=F9_VAN_TABLES + F9_REFERENCE_TABLES,
        traces=F9_TRACE_TABLES,
        checked=checked("f9"),
    output:
        table="results/f9/f9_neural.csv",
        traces="results/f9/f9_traces.csv",
    log:
        "logs/f9/aggregate.log",
    run:
        concat_tables(
            input.tables,
            output.table,
            log[0],
            sort_by=["model", "beta", "method", "K"],
        )
        concat_tables(input.traces, output.traces, log[0], sort_by=["model", "beta", "step"])


rule f9_plot:
    """Figure F9: relative error vs beta (lattice and SK), F_q per training step."""
    input:
        table="results/f9/f9_neural.csv",
        traces="results/f9/f9_traces.csv",
    output:
        **figure(
            "results/figures/F9_neural_free_energy.pdf",
            "F9",
            caption="../report/f9.rst",
        ),
    log:
        "logs/f9/plot.log",
    params:
        trace_beta=float(F9["trace_beta"]),
    script:
        "../scripts/f9_plot.py"
