"""The life of a Python node process, as ``src/node/child-main.ts`` is a TypeScript one's.

Reach the launcher (HELLO with the launch's secret), fetch the node's spec (``spec``),
import its file and build its class with the arguments (handles become clients), serve
its methods (``register`` the address), start the diagnostics thread
(``registerDiagnostics``), then call ``run()`` if the class has one, or serve until the
program stops. A failure is reported (``reportFailure``) before the process exits with 1.
A lost launcher ends the process at once.
"""
from __future__ import annotations

import errno
import importlib.util
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from . import node_context
from .bootstrap import BootstrapError, take_bootstrap
from .client import CallOptions, Client, PeerPool, with_options
from .diagnostics import start_diagnostics
from .errors import LaunchpadError, error_info
from .listen import resolve_listen
from .metrics import NodeMetrics
from .server import RpcServer

CONTROL_NODE_ID = "launcher"
DEFAULT_THREADS = 16


def _exit_now(message: str, code: int = 1) -> None:
    sys.stderr.write(f"launchpad-ts: {message}\n")
    sys.stderr.flush()
    os._exit(code)


def _watch_parent(parent: int) -> None:
    """Without a parent-death signal, a thread notices the launcher's death itself."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                _exit_now("the node lost its launcher; exiting.")

    threading.Thread(target=watch, name="lp-parent-watch", daemon=True).start()


def load_class(spec: dict[str, Any]) -> type:
    """Imports the node's ``.py`` file and returns its class."""
    code = spec["code"]
    path = Path(code["file"])
    class_name = code["className"]
    # Sibling modules of the node's file import as they would when run as a script.
    sys.path.insert(0, str(path.parent))
    module_name = path.stem if path.stem not in sys.modules else f"_lp_node_{path.stem}"
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    if module_spec is None or module_spec.loader is None:
        raise LaunchpadError("FAILED_PRECONDITION", f"Node {spec['nodeId']}: cannot load {path}.")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    module_spec.loader.exec_module(module)
    found = getattr(module, class_name, None)
    if not isinstance(found, type):
        raise LaunchpadError(
            "FAILED_PRECONDITION",
            f"Node {spec['nodeId']}: {path} has no class {class_name}"
            + ("" if found is None else f" ({class_name} is a {type(found).__name__})")
            + ".",
        )
    return found


def main() -> None:
    """Runs the node this process was started for, then exits the process."""
    try:
        bootstrap = take_bootstrap()
    except (BootstrapError, ValueError) as error:
        _exit_now(str(error))
        return
    node_id: str = bootstrap["nodeId"]
    parent = bootstrap.get("parentPid")
    if isinstance(parent, int) and os.getppid() != parent:
        _exit_now(f"node {node_id} lost its launcher while starting; exiting.")
    if isinstance(parent, int) and bootstrap.get("killedWithParent") is not True:
        _watch_parent(parent)
    # Ctrl-C reaches the whole process group; the launcher coordinates the stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    secret: str = bootstrap["secret"]
    control_address: str = bootstrap["controlAddress"]
    control_pool = PeerPool(secret, node_id, lambda _node, _timeout: control_address)
    control = Client(control_pool.peer(CONTROL_NODE_ID), CallOptions(connect_timeout_ms=30_000))
    briefly = with_options(control, timeout_ms=5_000)
    try:
        spec = control.spec(node_id)
    except Exception as error:  # noqa: BLE001 - any failure means the launcher is unreachable
        _exit_now(f"node {node_id} cannot reach its launcher at {control_address}: {error}")
        return

    def lookup(target: str, timeout_ms: float) -> str:
        bounded = min(timeout_ms, 2**31 - 1)
        return with_options(control, timeout_ms=bounded + 5_000).lookup(target, bounded)

    pool = PeerPool(secret, node_id, lookup, int(spec.get("maxMessageBytes", 1 << 30)))
    node_context.install(
        node_context.NodeContext(
            node_id=node_id,
            label=spec.get("label", node_id),
            program_name=spec.get("programName", ""),
            launch_type=spec.get("launchType", ""),
            workdir=spec.get("workdir", ""),
        ),
        lambda: control.requestStop.future(),
    )
    done = threading.Event()

    def await_stop() -> None:
        try:
            control.awaitStop()
        except Exception:  # noqa: BLE001 - the heartbeat failed: the launcher is gone
            if not done.is_set():
                _exit_now(f"node {node_id} lost its launcher; exiting.")
            return
        node_context.fire_stop()

    threading.Thread(target=await_stop, name="lp-await-stop", daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: node_context.fire_stop())
    server: RpcServer | None = None
    try:
        node_class = load_class(spec)
        # The spec's arguments were decoded with the control pool: rebuild their clients here.
        args = _rebind(spec.get("args", []), pool)
        instance = node_class(*args)
        metrics = NodeMetrics(node_id) if spec.get("metricsIntervalMs") else None
        listen_host, ports = resolve_listen(spec.get("listen"), control_address)
        bind = listen_host or spec.get("bindHost") or "127.0.0.1"
        server = _serve_on_first_free_port(
            ports,
            lambda port: RpcServer(
                instance,
                secret=secret,
                node_id=node_id,
                host=bind,
                port=port,
                max_workers=int(spec["code"].get("threads") or DEFAULT_THREADS),
                max_bytes=int(spec.get("maxMessageBytes", 1 << 30)),
                make_handle=pool.make_handle,
                handle_of=pool.handle_of,
                observer=metrics.observe_call if metrics is not None else None,
            ),
            f"Node {node_id} found no free port on {bind}",
        )
        # As node-runner.ts advertises: a name the launcher gave wins (or the address the
        # host chose for it); a server bound to every interface is reached through the
        # host's name; any other, through its address.
        address = server.address
        port = address.rsplit(":", 1)[1]
        advertise = spec.get("advertiseHost") or (
            None if listen_host is None else f"[{listen_host}]" if ":" in listen_host else listen_host
        )
        if advertise:
            address = f"{advertise}:{port}"
        elif bind in ("0.0.0.0", "::"):
            address = f"{socket.gethostname()}:{port}"
        # The stack-dump thread first: once callers can reach the node, so can a dump.
        if os.environ.get("LP_DIAGNOSTICS") != "0":
            try:
                at = start_diagnostics(secret, bind, ports)
                if advertise or bind in ("0.0.0.0", "::"):
                    at = f"{address.rsplit(':', 1)[0]}:{at.rsplit(':', 1)[1]}"
                control.registerDiagnostics(node_id, at)
            except Exception:  # noqa: BLE001 - a node without stack dumps still runs
                pass
        control.register(node_id, address)
        if metrics is not None:
            _report_metrics(metrics, control, float(spec["metricsIntervalMs"]) / 1000, done)
        run = getattr(instance, "run", None)
        if callable(run):
            run()
        else:
            node_context.wait_for_stop()
    except BaseException as error:  # noqa: BLE001 - every failure is reported
        traceback_info = error_info(error, node_id)
        sys.stderr.write(traceback_info["stack"])
        sys.stderr.flush()
        try:
            briefly.reportFailure(node_id, traceback_info)
        except Exception:  # noqa: BLE001
            pass
        done.set()
        _exit_now(f"node {node_id} failed: {traceback_info['name']}: {traceback_info['message']}")
    done.set()
    if metrics is not None:
        try:
            with_options(control, timeout_ms=2_000).reportMetrics(metrics.report())
        except Exception:  # noqa: BLE001
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    if server is not None:
        server.close()
    os._exit(0)


def _serve_on_first_free_port(ports: list[int], make: Any, failure: str) -> RpcServer:
    for port in ports:
        try:
            return make(port)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
    raise LaunchpadError("RESOURCE_EXHAUSTED", f"{failure} in {ports[0]}-{ports[-1]}.")


def _rebind(value: Any, pool: PeerPool) -> Any:
    if isinstance(value, Client):
        node = object.__getattribute__(value, "_peer").node_id
        return Client(pool.peer(node), object.__getattribute__(value, "_options"))
    if isinstance(value, list):
        return [_rebind(item, pool) for item in value]
    if isinstance(value, dict):
        return {key: _rebind(item, pool) for key, item in value.items()}
    return value


def _report_metrics(metrics: NodeMetrics, control: Client, interval: float, done: threading.Event) -> None:
    sender = with_options(control, timeout_ms=2_000)

    def loop() -> None:
        while not done.wait(interval):
            try:
                sender.reportMetrics(metrics.report())
            except Exception:  # noqa: BLE001 - a lost report is not a failure
                pass

    threading.Thread(target=loop, name="lp-metrics", daemon=True).start()
