"""How a Python node process receives its bootstrap (the launcher's address and secret).

As for TypeScript node processes (``src/node/bootstrap-reader.ts``): from an inherited
pipe whose descriptor ``LP_BOOTSTRAP_FD`` names (local launches), from a file
``LP_BOOTSTRAP_FILE`` names, deleted once read (tmux), or from ``LP_BOOTSTRAP``
(cluster tasks). Every trace is removed from the environment, so the node's own children
do not inherit it.
"""
from __future__ import annotations

import json
import os
from typing import Any

FD_VARIABLE = "LP_BOOTSTRAP_FD"
FILE_VARIABLE = "LP_BOOTSTRAP_FILE"
VARIABLE = "LP_BOOTSTRAP"


class BootstrapError(Exception):
    """The process was not started by a launcher, or got no bootstrap."""


def _from_fd(value: str | None) -> str | None:
    if value is None or not value.isdigit():
        return None
    fd = int(value)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(fd)


def _from_file(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    finally:
        try:
            os.remove(path)
        except OSError:
            pass


def take_bootstrap() -> dict[str, Any]:
    """The bootstrap, checked: ``controlAddress``, ``secret``, ``nodeId`` and flags."""
    fd = os.environ.pop(FD_VARIABLE, None)
    file = os.environ.pop(FILE_VARIABLE, None)
    variable = os.environ.pop(VARIABLE, None)
    raw = _from_fd(fd) or _from_file(file) or variable
    if not raw:
        raise BootstrapError(
            "This Python process is started by launchpad-ts for one node; it was given no bootstrap."
            if fd is None
            else "The launcher ended before it handed this node process its bootstrap."
        )
    bootstrap = json.loads(raw)
    for key in ("controlAddress", "secret", "nodeId"):
        if not isinstance(bootstrap.get(key), str):
            raise BootstrapError(f"The bootstrap has no {key}.")
    return bootstrap
