# isingvi paper workflow: regenerates every figure from config.yaml.
#
#   snakemake --cores 8                              # everything, with config.yaml
#   snakemake --cores 2 --configfile tests/config/tiny.yaml --replace-workflow-config
#   snakemake --report report.html                   # figures with captions
#
# Outputs (results/, logs/, benchmarks/) go to the working directory: pass
# --directory <dir> to keep them out of the checkout. config.yaml is read from next to
# this Snakefile whatever the working directory; --configfile X updates it key by key,
# add --replace-workflow-config to use X alone. profiles/default/ is used automatically;
# profiles/slurm/ submits the same jobs to a cluster.

import os

from snakemake.utils import min_version, validate

min_version("9.0")


configfile: os.path.join(workflow.basedir, "config.yaml")


validate(config, "pipeline/schemas/config.schema.yaml")


report: "pipeline/report/workflow.rst"


include: "pipeline/rules/common.smk"
include: "pipeline/rules/f1.smk"
include: "pipeline/rules/f6.smk"
include: "pipeline/rules/f7.smk"


localrules:
    all,


rule all:
    default_target: True
    input:
        F1_TARGETS,
        F6_TARGETS,
        F7_TARGETS,
