"""What node code asks about its node: its context, and the stop.

``stop()`` asks the launcher to stop the whole program; ``stop_requested()`` turns true
once the program is stopping (the launcher's stop, SIGTERM, or this node's ``stop()``);
``wait_for_stop(timeout)`` blocks until then. ``context()`` says which node this is.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from .errors import LaunchpadError


@dataclass(frozen=True)
class NodeContext:
    """Where the calling code runs: its node, program, launch type and working directory."""

    node_id: str
    label: str
    program_name: str
    launch_type: str
    workdir: str


_stop_event = threading.Event()
_context: NodeContext | None = None
_request_stop: Callable[[], None] | None = None


def install(context: NodeContext, request_stop: Callable[[], None]) -> None:
    """Called once by the node's main, before the node's code is built."""
    global _context, _request_stop
    _context = context
    _request_stop = request_stop


def context() -> NodeContext:
    """This node's context.

    Raises ``LaunchpadError`` (``FAILED_PRECONDITION``) outside a node, as in a unit test
    that builds the class itself.
    """
    if _context is None:
        raise LaunchpadError(
            "FAILED_PRECONDITION",
            "lp.context() is only available inside a node started by launchpad-ts; this process "
            "was not started by a launch (a unit test of a node class builds it directly: pass "
            "what it needs to know as constructor arguments).",
        )
    return _context


def stop() -> None:
    """Stops the program (every node), as ``lp.stop()`` does in TypeScript.

    Outside a node (a unit test that runs the class's ``run()``) there is no program to
    stop: it only turns ``stop_requested()`` true in this process, for good.
    """
    _stop_event.set()
    if _request_stop is not None:
        _request_stop()


def stop_requested() -> bool:
    """True once the program is stopping."""
    return _stop_event.is_set()


def wait_for_stop(timeout: float | None = None) -> bool:
    """Blocks until the program is stopping (or ``timeout`` seconds pass); True if it is."""
    return _stop_event.wait(timeout)


def fire_stop() -> None:
    """Marks the program as stopping (the node's main calls it)."""
    _stop_event.set()
