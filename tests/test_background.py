"""Work on a second thread: its result and its exception, and no interpreter setting changed."""

import sys
import threading

import pytest

from prognose.background import in_background
from prognose.commands import edge


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


def test_at_once_runs_on_this_thread():
    from prognose.forecast import at_once

    main = threading.get_ident()
    assert at_once(lambda x: (x * 2, threading.get_ident()), 4).result() == (8, main)


def test_the_forecast_starts_no_thread_of_its_own(monkeypatch):
    """run_forecast runs the buffers where its caller says (app gives them a second thread); left
    to itself it starts none."""
    from conftest import ROOT
    from prognose.commands import edge
    from prognose.forecast import run_forecast
    from prognose.io.buffers_io import read_buffers
    from prognose.io.keyfile import load_key

    settings = edge.options_for(ROOT)
    ex = edge.read(settings)
    bufs = read_buffers(settings.buffers, settings, load_key(settings.key_file))

    def no_thread(self):
        raise AssertionError("a thread was started")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    fc = run_forecast(ex.grants, ex.plan_steps, ex.postings, ex.budget, settings, 2026, ex.postings["posting_date"].max(), bufs,
                      draws=0)
    assert {r.name for r in fc.buffers} >= {"deaths", "other_inflow"}
