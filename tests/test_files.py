"""The folder lock: one writer at a time, and no lock file left behind."""

import threading
import time

from prognose.io.files import folder_lock


def test_a_waiter_gets_the_lock_when_the_holder_is_done_and_nothing_is_left(tmp_path):
    order = []
    held = threading.Event()

    def first():
        with folder_lock(tmp_path, ".lock", "busy"):
            held.set()
            order.append("first in")
            time.sleep(0.3)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    held.wait()
    with folder_lock(tmp_path, ".lock", "busy", wait=5):
        order.append("second in")
    t.join()
    assert order == ["first in", "first out", "second in"]
    assert list(tmp_path.iterdir()) == []
