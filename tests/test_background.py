"""Work on a second thread: its result, its exception, and the GIL's hand-over while it runs."""

import sys
import threading

import pytest

from prognose.background import SWITCH_INTERVAL, in_background


def test_result_comes_from_another_thread():
    main = threading.get_ident()
    pending = in_background(lambda x, y: (x + y, threading.get_ident()), 2, 3)
    total, worker = pending.result()
    assert total == 5 and worker != main
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)


def test_exception_is_raised_where_the_result_is_asked_for():
    def fails():
        raise ValueError("bad grant")

    pending = in_background(fails)
    with pytest.raises(ValueError, match="bad grant"):
        pending.result()
