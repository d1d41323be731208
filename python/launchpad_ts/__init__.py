"""launchpad_ts: Python nodes of a launchpad-ts program, on the same wire as TypeScript nodes.

A ``lp.PythonNode(file, 'ClassName', *args)`` in a TypeScript program runs the class in a
Python process started by the launcher; its public methods are served to every node, and
handles among its arguments arrive as :class:`Client` objects.

>>> import launchpad_ts as lp
>>> lp.stop_requested()
False
"""
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
