"""launchpad_ts: Python nodes of a launchpad-ts program, on the same wire as TypeScript nodes.

A ``lp.PythonNode(file, 'ClassName', *args)`` in a TypeScript program runs the class in a
Python process started by the launcher; its public methods are served to every node, and
handles among its arguments arrive as :class:`Client` objects.

>>> import launchpad_ts as lp
>>> lp.stop_requested()
False
"""
import sys as _sys

try:
    import numpy as _numpy  # noqa: F401 - every typed array crosses as a numpy array
except ImportError as _error:
    raise ImportError(
        f"launchpad_ts needs numpy, which {_sys.executable} (Python {_sys.version.split()[0]}) cannot import. "
        "Install it for this interpreter (Debian or Ubuntu: apt install python3-numpy; "
        "in a venv: pip install numpy), or pick another interpreter."
    ) from _error

from .batched import batched
from .client import CallOptions, Client, RemoteStream, with_options
from .codec import JsError, WireValueError
from .node_context import NodeContext, context, stop, stop_requested, wait_for_stop
from .errors import LaunchpadError, RemoteError
from .metrics import metrics

__all__ = [
    "batched",
    "CallOptions",
    "Client",
    "RemoteStream",
    "with_options",
    "JsError",
    "WireValueError",
    "NodeContext",
    "context",
    "stop",
    "stop_requested",
    "wait_for_stop",
    "LaunchpadError",
    "RemoteError",
    "metrics",
]
