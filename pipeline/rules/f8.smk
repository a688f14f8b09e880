# F8: throughput of each part of the core against the baseline a user would otherwise run.
# Three compute jobs run the scripts of bench/ (about twenty minutes in all), so F8 is not part
# of the paper target: build it with `snakemake f8`. The plot is a local rule.


include: "f8_jobs.smk"


localrules:
    f8,
    f8_plot,


rule f8:
    """Figure F8 and its tables (not in `paper`: the benchmarks take about twenty minutes)."""
    input:
        "results/f8/bench.csv",
        "results/f8/bench_variational.csv",
        "results/f8/bench_em.csv",
        "results/figures/F8_performance.pdf",
        "results/figures/F8_performance.png",


rule f8_bench:
    """Monte Carlo: NumPy baselines, plain and multi-spin kernels per ISA, 1 and 2 threads, Wolff."""
    output:
        "results/f8/bench.csv",
    log:
        "logs/f8/bench.log",
    benchmark:
        "benchmarks/f8/bench.tsv"
    threads: 2
    resources:
        mem_mb=2048,
        runtime="40m",
    params:
        job=f8_job(),
        argv=f8_argv(f8_job()),
        bench=os.path.join(workflow.basedir, "bench", "bench_mc.py"),
    script:
        "../scripts/f8_bench.py"


rule f8_bench_variational:
    """Mean field and BP per iteration next to NumPy; AIS chains per second next to the generic path."""
    output:
        "results/f8/bench_variational.csv",
    log:
        "logs/f8/bench_variational.log",
    benchmark:
        "benchmarks/f8/bench_variational.tsv"
    threads: 2
    resources:
        mem_mb=2048,
        runtime="30m",
    params:
        job=f8_variational_job(),
        argv=f8_argv(f8_variational_job()),
        bench=os.path.join(workflow.basedir, "bench", "bench_variational.py"),
    script:
        "../scripts/f8_bench.py"


rule f8_bench_em:
    """Gaussian-mixture EM next to scikit-learn, full and diagonal covariances, one thread each."""
    output:
        "results/f8/bench_em.csv",
    log:
        "logs/f8/bench_em.log",
    benchmark:
        "benchmarks/f8/bench_em.tsv"
    threads: 2
    resources:
        mem_mb=2048,
        runtime="20m",
    params:
        job=f8_em_job(),
        argv=f8_argv(f8_em_job()),
        bench=os.path.join(workflow.basedir, "bench", "bench_em.py"),
    script:
        "../scripts/f8_bench.py"


rule f8_plot:
    """Figure F8: Metropolis flips per ns against L, and each part's speed-up over its baseline."""
    input:
        bench="results/f8/bench.csv",
        variational="results/f8/bench_variational.csv",
        em="results/f8/bench_em.csv",
    output:
        **figure("results/figures/F8_performance.pdf", "F8", caption="../report/f8.rst"),
    log:
        "logs/f8/plot.log",
    script:
        "../scripts/f8_plot.py"
