"""Stack dumps of a Python node, read without ptrace.

A thread of the node answers the launcher's diagnostics requests (one JSON line with the
launch's secret and ``op``, answered by one JSON line, as ``src/protocol/diagnostics.ts``
describes): ``stack`` returns the Python stack of every thread, from
``sys._current_frames()``, innermost frame first, each thread introduced by a frame named
``[thread <name>]``. CPU profiles are not available for Python nodes.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sys
import threading
import time
import traceback
from typing import Any

MAX_REQUEST_BYTES = 4096
REQUEST_TIMEOUT_S = 5.0
"""The whole time a connection has to send its request line, however slowly it comes."""


def stack_sample() -> dict[str, Any]:
    """Every thread's stack as one sample: a header frame per thread, then its frames."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    own = threading.get_ident()
    frames: list[dict[str, Any]] = []
    for ident, frame in sys._current_frames().items():
        if ident == own:
            continue
        frames.append(
            {"functionName": f"[thread {names.get(ident, ident)}]", "url": "python:thread", "lineNumber": -1, "columnNumber": -1}
        )
        for summary in reversed(traceback.extract_stack(frame)):
            frames.append(
                {
                    "functionName": summary.name,
                    "url": f"file://{summary.filename}",
                    "lineNumber": (summary.lineno or 1) - 1,
                    "columnNumber": 0,
                }
            )
    return {"idle": False, "frames": frames}


def _answer(line: bytes, secret: bytes) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except ValueError:
        return {"error": "the request is not JSON"}
    given = request.get("secret") if isinstance(request, dict) else None
    digest = lambda value: hashlib.sha256(value).digest()  # noqa: E731
    if not isinstance(given, str) or not hmac.compare_digest(digest(given.encode()), digest(secret)):
        return {"error": "wrong secret"}
    if request.get("op") == "stack":
        return {"stack": stack_sample()}
    return {"error": "CPU profiles are not available for Python nodes; use py-spy or cProfile"}


def start_diagnostics(secret: str, host: str, ports: list[int] | None = None) -> str:
    """Starts the answering thread on the first free port of ``ports`` (any when unset);
    returns its ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = None
    for port in ports or [0]:
        try:
            listener = socket.create_server((host, port), family=family)
            break
        except OSError:
            continue
    if listener is None:
        raise OSError(f"no free port for the stack-dump thread on {host}")
    key = secret.encode()

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                if listener.fileno() == -1:
                    return
                # Out of descriptors (EMFILE): keep answering once the node can again.
                time.sleep(0.1)
                continue
            with connection:
                try:
                    # One deadline for the whole request line, however slowly it comes.
                    deadline = time.monotonic() + REQUEST_TIMEOUT_S
                    data = b""
                    while b"\n" not in data and len(data) < MAX_REQUEST_BYTES:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            break
                        connection.settimeout(left)
                        chunk = connection.recv(MAX_REQUEST_BYTES)
                        if not chunk:
                            break
                        data += chunk
                    answer = _answer(data.split(b"\n", 1)[0], key)
                    connection.sendall(json.dumps(answer).encode() + b"\n")
                except OSError:
                    pass

    threading.Thread(target=serve, name="lp-diagnostics", daemon=True).start()
    bound = listener.getsockname()
    return f"{bound[0]}:{bound[1]}"
