"""The pseudonym key (SPEC §5): from the environment, else the workspace's key file, made on first
use with owner-only permissions. The key is local configuration, never in the repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from prognose.privacy import KEY_ENV


def load_key(key_file: Path, create: bool = True) -> bytes:
    """The pseudonym key: environment first, then the workspace's key file (made on first use)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode()
    if key_file.exists():
        return key_file.read_bytes().strip()
    if not create:
        raise FileNotFoundError(key_file)
    key = secrets.token_hex(32).encode()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = key_file.with_suffix(".tmp")
    tmp.write_bytes(key)
    os.chmod(tmp, 0o600)
    tmp.replace(key_file)
    return key
