# The check every aggregate rule waits for: an experiment's per-job tables (registered with
# per_job_tables() in common.smk) are checked by one local job before the aggregate reads them.


localrules:
    check_tables,


rule check_tables:
    """Check an experiment's per-job tables (rows, columns, provenance) before its aggregate reads them."""
    input:
        checked_tables,
    output:
        checked("{experiment}"),
    log:
        "logs/{experiment}/checked.log",
    params:
        specs=checked_specs,
    run:
        check_tables(params.specs, output[0], log[0])
