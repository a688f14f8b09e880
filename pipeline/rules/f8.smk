# F8: performance of the Monte Carlo core (flips per ns by L, implementation and threads).
# One compute job runs bench/bench_mc.py (slow, about ten minutes), so F8 is not part of the
# paper target: build it with `snakemake f8`. The plot is a local rule.


include: "f8_jobs.smk"


localrules:
    f8,
    f8_plot,


rule f8:
    """Figure F8 and its table (not in `paper`: the benchmark takes about ten minutes)."""
    input:
        "results/f8/bench.csv",
        "results/figures/F8_performance.pdf",
        "results/figures/F8_performance.png",


rule f8_bench:
    """Throughput benchmark: NumPy baselines, plain and multi-spin kernels per ISA, 1 and 2 threads, Wolff."""
    output:
        "results/f8/bench.csv",
    log:
        "logs/f8/bench.log",
    benchmark:
        "benchmarks/f8/bench.tsv"
    params:
        job=f8_job(),
        bench=os.path.join(workflow.basedir, "bench", "bench_mc.py"),
    threads: 2
    resources:
        mem_mb=2048,
        runtime="40m",
    script:
        "../scripts/f8_bench.py"


rule f8_plot:
    """Figure F8: Metropolis flips per ns against L, one line per implementation and thread count."""
    input:
        bench="results/f8/bench.csv",
    output:
        **figure("results/figures/F8_performance.pdf", "F8", caption="../report/f8.rst"),
    log:
        "logs/f8/plot.log",
    script:
        "../scripts/f8_plot.py"
