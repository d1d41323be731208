"""Errors on the wire: what a failed call carries, both ways.

A failed call's ERROR frame carries ``{name, message, stack, nodeId, code}`` (and ``via``,
the nodes it passed through). An exception raised by a Python method becomes one with
``name`` = the exception's class name, ``stack`` = its Python traceback, code
``UNKNOWN``. A failed call reaches Python code as :class:`RemoteError`.
"""
from __future__ import annotations

import traceback
from typing import Any

#: The codes a call can fail with (as in TypeScript's ``ErrorCode``).
CODES = (
    "INVALID_ARGUMENT",
    "FAILED_PRECONDITION",
    "UNAVAILABLE",
    "DEADLINE_EXCEEDED",
    "CANCELLED",
    "UNIMPLEMENTED",
    "UNAUTHENTICATED",
    "RESOURCE_EXHAUSTED",
    "UNKNOWN",
    "NODE_FAILED",
    "INTERNAL",
)


class LaunchpadError(Exception):
    """An error of launchpad-ts itself, with a code (``UNAVAILABLE``, ``DEADLINE_EXCEEDED``...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class RemoteError(LaunchpadError):
    """A call failed in another node: ``remote_name`` is the class there, ``node_id`` the node."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.remote_name = str(info.get("name", "Error"))
        self.remote_message = str(info.get("message", ""))
        self.remote_stack = str(info.get("stack", ""))
        self.node_id = str(info.get("nodeId", "?"))
        via = info.get("via")
        self.via = [str(node) for node in via] if isinstance(via, list) else []
        route = f" (via {' → '.join(self.via)})" if self.via else ""
        code = str(info.get("code", "UNKNOWN"))
        super().__init__(
            code, f"{self.remote_name} in node {self.node_id}{route}: {self.remote_message}"
        )

    def __str__(self) -> str:
        return f"{self.message}\n--- remote stack ---\n{self.remote_stack}"


def error_info(error: BaseException, node_id: str) -> dict[str, Any]:
    """The wire form of ``error`` raised in node ``node_id``."""
    if isinstance(error, RemoteError):
        # A failed call that escaped this node's method: it passes the error on.
        return {
            "name": error.remote_name,
            "message": error.remote_message,
            "stack": error.remote_stack,
            "nodeId": error.node_id,
            "code": error.code,
            "via": [*error.via, node_id],
        }
    stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    own = isinstance(error, LaunchpadError) and error.code in CODES
    return {
        # The TypeScript side rebuilds its own errors (unknown method, deadline) by this name.
        "name": "LaunchpadError" if own else type(error).__name__,
        "message": error.message if isinstance(error, LaunchpadError) else str(error),
        "stack": stack,
        "nodeId": node_id,
        "code": error.code if own else "UNKNOWN",
    }
