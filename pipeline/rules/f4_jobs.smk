# F4's config checks and job parameters (f4.smk holds the rules).

F4 = config["f4"]


def check_f4(cfg) -> None:
    """Cross-key checks of the f4 section (the schema checks each key on its own)."""
    names = [s["name"] for s in cfg["schemes"]]
    if len(set(names)) != len(names):
        raise ConfigError(f"config key f4.schemes: scheme names must be unique, got {names}")
    m = cfg["magnetisation"]
    if m["T_max"] <= m["T_min"]:
        raise ConfigError(
            f"config key f4.magnetisation.T_max: must be > T_min ({m['T_min']}), got {m['T_max']}"
        )


check_f4(F4)


def f4_job() -> dict:
    """Parameters of the F4 job: one random start (seeded) shared by every scheme."""
    m = F4["magnetisation"]
    return job_params(
        "f4",
        seed_from=(int(F4["L"]),),
        L=int(F4["L"]),
        T=[float(t) for t in F4["temperatures"]],
        schemes=[dict(s) for s in F4["schemes"]],
        tol=float(F4["tol"]),
        max_iter=int(F4["max_iter"]),
        m_T_min=float(m["T_min"]),
        m_T_max=float(m["T_max"]),
        m_points=int(m["n_points"]),
    )


def f4_seconds() -> float:
    """At most max_iter mean-field iterations per scheme and T (~150 ns a spin, measured at
    L = 32, x1.5 slack)."""
    job = f4_job()
    return len(job["schemes"]) * len(job["T"]) * job["max_iter"] * job["L"] ** 2 * 2e-7


def f4_mem_mb() -> int:
    """Magnetisations at every T (a few copies) and the traces (a row of ~200 bytes per scheme,
    T and iteration), plus Python."""
    job = f4_job()
    m = len(job["T"]) * job["L"] ** 2 * 8 * 4
    traces = len(job["schemes"]) * len(job["T"]) * job["max_iter"] * 200
    return 1024 + math.ceil((m + traces) / 2**20)


check_job_size(
    ("f4.L", "f4.max_iter", "f4.temperatures", "f4.schemes"),
    "f4_traces",
    f4_mem_mb(),
    f4_seconds(),
)
