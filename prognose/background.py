"""Work on a second thread, beside the main one (the small tables while the postings are read; the
buffers while the lag is measured).

Both threads spend most of their time inside polars and numpy, which release the GIL, but each
needs the GIL back between calls. At Python's default hand-over of 5 ms a thread running many
short array operations waits about as long as it computes, so from the first job on the hand-over
is 0.5 ms for the rest of the process (the billing lag stage: 0.83 s against 0.89 s, eight runs each).
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor

SWITCH_INTERVAL = 0.0005   # seconds


def in_background(fn, *args) -> Future:
    """fn(*args) on a thread of its own; .result() waits for it and raises what it raised."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(fn, *args)
    pool.shutdown(wait=False)    # the thread ends with its task
    return pending
