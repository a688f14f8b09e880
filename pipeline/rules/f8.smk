# F8: performance of the Monte Carlo core (flips per ns by L, implementation and threads).
# One compute job runs bench/bench_mc.py (slow, about ten minutes: keep it out of the default
# target); the plot is a local rule. Self-contained: needs only workflow.basedir.


localrules:
    f8_plot,


F8_TARGETS = [
    "results/f8/bench.csv",
    "results/figures/F8_performance.pdf",
    "results/figures/F8_performance.png",
]


rule f8_bench:
    """Throughput benchmark: NumPy baselines, plain and multi-spin kernels per ISA, 1 and 2 threads, Wolff."""
    output:
        "results/f8/bench.csv",
    log:
        "logs/f8/bench.log",
    benchmark:
        "benchmarks/f8/bench.tsv"
    params:
        bench=f"{workflow.basedir}/bench/bench_mc.py",
    threads: 2
    resources:
        mem_mb=2048,
        runtime="40m",
    shell:
        "python {params.bench:q} --out {output:q} > {log:q} 2>&1"


rule f8_plot:
    """Figure F8: Metropolis flips per ns against L, one line per implementation and thread count."""
    input:
        bench="results/f8/bench.csv",
    output:
        pdf=report(
            "results/figures/F8_performance.pdf",
            caption="../report/f8.rst",
            category="F8",
            labels={"figure": "F8", "format": "PDF"},
        ),
        png=report(
            "results/figures/F8_performance.png",
            caption="../report/f8.rst",
            category="F8",
            labels={"figure": "F8", "format": "PNG"},
        ),
    log:
        "logs/f8/plot.log",
    script:
        "../scripts/f8_plot.py"
