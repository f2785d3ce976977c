"""Work on a second thread: its result and its exception, and no interpreter setting changed."""

import sys
import threading

import pytest

from prognose.background import in_background


def test_result_comes_from_another_thread():
    main, before = threading.get_ident(), sys.getswitchinterval()
    pending = in_background(lambda x, y: (x + y, threading.get_ident()), 2, 3)
    total, worker = pending.result()
    assert total == 5 and worker != main
    assert sys.getswitchinterval() == before


def test_exception_is_raised_where_the_result_is_asked_for():
    def fails():
        raise ValueError("bad grant")

    pending = in_background(fails)
    with pytest.raises(ValueError, match="bad grant"):
        pending.result()
