"""Writing files atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from prognose.errors import UsageError


def discards(target: Path) -> bool:
    """Whether the output goes to the null device (`-o /dev/null`, as benchmarks run): written
    through, never replaced by a file of our own."""
    return str(target) == os.devnull


def write_discarded(target: Path, data: bytes | str) -> None:
    with open(target, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def check_output(target: Path, read: list[Path], option: str = "-o") -> None:
    """Refuse an output that would destroy: anything at the path but a regular file (a device, a
    pipe, a folder), and any file in what the run reads (the extract, the buffers, the snapshots,
    the settings, the key). The write itself replaces the file whole (write_atomic)."""
    try:
        real = target.resolve()
        there = target.exists()
    except (OSError, RuntimeError) as e:     # a symlink loop, a name too long
        raise UsageError(f"{option} {target}: not a path that can be written ({e.strerror or e})") from None
    if there and not target.is_file():
        raise UsageError(f"{option} {target}: not a regular file (a folder, a device or a pipe); give the path of a new or "
                         "an existing ordinary file")
    for path in read:
        path = path.resolve()
        if real == path or path in real.parents:
            raise UsageError(f"{option} {target}: prognose reads {path}; write the output outside it")


def check_output_folder(folder: Path, read: list[Path]) -> None:
    """--out-dir: a folder (made where there is none), outside what the run reads."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--out-dir {folder}: a file, not a folder; give a folder for the monthly reports")
    check_output(folder / ".prognose-report", read, "--out-dir")


def write_atomic(path: Path, data: bytes | str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file would be (mkstemp makes it private)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def workbook_bytes(workbook) -> bytes:
    """An openpyxl workbook as .xlsx bytes that depend only on its content: the zip entries get a
    fixed timestamp and the document's `modified` property is its `created` one (openpyxl stamps
    both with the clock), so the same report is the same file, byte for byte."""
    import io
    import re
    import zipfile

    raw = io.BytesIO()
    workbook.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                created = re.search(r"<dcterms:created[^>]*>([^<]*)<", text)
                if created:
                    text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", lambda m: m.group(1) + created.group(1) + m.group(2), text)
                data = text.encode("utf-8")
            dst.writestr(fixed, data)
    return out.getvalue()


@contextmanager
def folder_lock(directory: Path, name: str, busy: str, wait: float = 0.0, leftovers: tuple[str, ...] = ()):
    """Hold an exclusive lock on `directory/name` while writing in the folder; wait up to `wait`
    seconds for another holder, then refuse with `busy`. Holding it, nothing else writes there,
    so what matches `leftovers` (a killed run's temporary files or folders) is removed first.
    The lock file is removed again before it is released, so none is left beside the output; a
    waiter that got the lock on a removed file sees that and takes the lock anew."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    deadline = time.monotonic() + wait
    while True:
        f = open(path, "a+")
        while not _try_lock(f):
            if time.monotonic() >= deadline:
                f.close()
                raise UsageError(busy.format(lock=path.name, folder=directory))
            time.sleep(0.1)
        if _is_current(f, path):
            break
        f.close()
    try:
        for pattern in leftovers:
            for stale in directory.glob(pattern):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
        yield
    finally:
        path.unlink(missing_ok=True)
        f.close()


def _is_current(f, path: Path) -> bool:
    """Whether the locked file is still the one at `path` (its holder removes it before releasing)."""
    try:
        return os.stat(path).st_ino == os.fstat(f.fileno()).st_ino
    except FileNotFoundError:
        return False


def _try_lock(f) -> bool:
    try:
        try:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows
            import msvcrt

            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False
