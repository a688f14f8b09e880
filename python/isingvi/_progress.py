"""Progress reports of long core calls (the ``progress=`` argument of the public API).

The compiled core counts its work (sweeps, states, iterations, chain steps) and the binding
calls a reporter every 50 ms with ``(done, total)``; ``total`` is 0 where the amount of work
is not known in advance (solvers that stop when converged). Ctrl-C stops every such call
within about a second, whatever ``progress`` is.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

Reporter = Callable[[int, int], None]


@contextlib.contextmanager
def reporter(progress, desc: str, unit: str) -> Iterator[Reporter | None]:
    """The core's reporter for a ``progress`` argument.

    ``False`` or ``None``: silent (the default). ``True``: a tqdm bar on stderr with the rate
    and, where the total is known, the ETA; closed when the call ends or fails. A callable:
    called as ``progress(done, total)``; an exception it raises cancels the call and
    propagates.
    """
    if progress is None or progress is False:
        yield None
        return
    if progress is True:
        from tqdm.auto import tqdm

        bars: list = []  # made at the first report, when the total is known

        def update(done: int, total: int) -> None:
            if not bars:
                bars.append(
                    tqdm(
                        desc=desc,
                        unit=unit,
                        total=total or None,
                        file=sys.stderr,
                        dynamic_ncols=True,
                    )
                )
            bar = bars[0]
            bar.update(done - bar.n)

        try:
            yield update
        finally:
            for bar in bars:
                bar.close()
        return
    if callable(progress):
        yield progress
        return
    raise ValueError(f"progress: must be True, False or a callable(done, total), got {progress!r}")
