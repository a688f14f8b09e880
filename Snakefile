# isingvi paper workflow: regenerates every figure from config.yaml.
#
#   snakemake --cores 8                              # the paper: every figure and its tables
#   snakemake --cores 2 --configfile tests/config/tiny.yaml --replace-workflow-config
#   snakemake --report results/report.html           # figures with captions, one HTML file
#   snakemake --workflow-profile profiles/slurm      # the same jobs on a SLURM cluster
#
# Outputs (results/, logs/, benchmarks/) go to the working directory: pass
# --directory <dir> to keep them out of the checkout. config.yaml is read from next to
# this Snakefile whatever the working directory; --configfile X updates it key by key,
# add --replace-workflow-config to use X alone. profiles/default/ is used automatically.
# Each experiment lives in pipeline/rules/<id>.smk; pipeline/README.md says how to add one.

import os

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: os.path.join(workflow.basedir, "config.yaml")


validate(config, "pipeline/schemas/config.schema.yaml")


report: "pipeline/report/workflow.rst"


include: "pipeline/rules/common.smk"
include: "pipeline/rules/check_tables.smk"
include: "pipeline/rules/f1.smk"
include: "pipeline/rules/f2.smk"
include: "pipeline/rules/f3.smk"
include: "pipeline/rules/f4.smk"
include: "pipeline/rules/f5.smk"
include: "pipeline/rules/f6.smk"
include: "pipeline/rules/f7.smk"
include: "pipeline/rules/f8.smk"
include: "pipeline/rules/f9.smk"
include: "pipeline/rules/f10.smk"
include: "pipeline/rules/f11.smk"


localrules:
    all,
    paper,


rule paper:
    """Every figure of the paper and the tables behind them (each experiment adds its own)."""
    input:
        PAPER_TARGETS,


rule all:
    """The default target: the paper."""
    default_target: True
    input:
        rules.paper.input,


onsuccess:
    # Say where the results are: the run's last lines are what a user reads.
    figures = os.path.abspath("results/figures")
    if os.path.isdir(figures):
        print(
            f"\nisingvi: figures (PDF and PNG) are in {figures}/\n"
            f"isingvi: tables are in {os.path.abspath('results')}/<experiment>/ (f1/, f2/, ...)\n"
            "isingvi: for one HTML file with every figure and its caption, run\n"
            "    snakemake --report results/report.html"
        )
