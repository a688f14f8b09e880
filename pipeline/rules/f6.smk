# F6: EM for a Gaussian mixture as coordinate ascent on the ELBO.
# One job draws the synthetic data set and runs every restart (isingvi and scikit-learn from
# the same starting parameters); the plot is local.


include: "f6_jobs.smk"


localrules:
    f6_plot,


paper(
    "results/f6/f6_traces.csv",
    "results/f6/f6_restarts.csv",
    "results/figures/F6_em_elbo.pdf",
    "results/figures/F6_em_elbo.png",
)


rule f6_em:
    """Draw the data set; EM from every random start with isingvi (traces) and scikit-learn."""
    output:
        traces="results/f6/f6_traces.csv",
        restarts="results/f6/f6_restarts.csv",
    log:
        "logs/f6/em.log",
    benchmark:
        "benchmarks/f6/em.tsv"
    threads: 1
    resources:
        mem_mb=f6_mem_mb(),
        runtime=runtime(f6_seconds()),
    params:
        job=f6_job(),
    script:
        "../scripts/f6_em.py"


rule f6_plot:
    """Figure F6: ln p(x) and the ELBOs per EM half-step; the KL gap on a log axis."""
    input:
        traces="results/f6/f6_traces.csv",
        restarts="results/f6/f6_restarts.csv",
    output:
        **figure("results/figures/F6_em_elbo.pdf", "F6", caption="../report/f6.rst"),
    log:
        "logs/f6/plot.log",
    script:
        "../scripts/f6_plot.py"
