"""Work on a second thread, beside the main one (the small tables while the postings are read; the
buffers while the lag is measured).

Both threads spend most of their time inside polars and numpy, which release the GIL and use the
machine's cores inside each operation; between operations a core is often idle, and the second
thread fills it. The result is the same whichever finishes first. The interpreter's own settings
(its GIL hand-over interval) are left as they are: they belong to whoever runs the engine.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor


def in_background(fn, *args) -> Future:
    """fn(*args) on a thread of its own; .result() waits for it and raises what it raised."""
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(fn, *args)
    pool.shutdown(wait=False)    # the thread ends with its task
    return pending
