# F4: mean field as variational inference. One job computes the F_MF traces of every update
# scheme at every temperature (one lattice) and the infinite-lattice m(T) curves; the plot
# (local) also shows F1's largest-L Monte Carlo magnetisation.


include: "f4_jobs.smk"


paper(
    "results/f4/f4_traces.csv",
    "results/f4/f4_magnetisation.csv",
    "results/figures/F4_meanfield_vi.pdf",
    "results/figures/F4_meanfield_vi.png",
)


localrules:
    f4_plot,


rule f4_traces:
    """F_MF per iteration for each update scheme and temperature; m(T) of mean field, Bethe, exact."""
    output:
        traces="results/f4/f4_traces.csv",
        magnetisation="results/f4/f4_magnetisation.csv",
    log:
        "logs/f4/traces.log",
    benchmark:
        "benchmarks/f4/traces.tsv"
    threads: 2
    resources:
        mem_mb=f4_mem_mb(),
        runtime=runtime(f4_seconds()),
    params:
        job=f4_job(),
    script:
        "../scripts/f4_traces.py"


rule f4_plot:
    """Figure F4: the "ELBO curves" of the Ising model and m(T) with the three transitions."""
    input:
        traces="results/f4/f4_traces.csv",
        magnetisation="results/f4/f4_magnetisation.csv",
        mc="results/f1/f1_thermodynamics.csv",
    output:
        **figure("results/figures/F4_meanfield_vi.pdf", "F4", caption="../report/f4.rst"),
    log:
        "logs/f4/plot.log",
    script:
        "../scripts/f4_plot.py"
