"""The RPC server of a Python node: the same wire as TypeScript's ``RpcServer``.

A connection opens with HELLO (the launch's secret, checked in constant time; a first
frame over 4 KiB or without the secret is refused), then CALL frames run on a thread pool,
each answered by RESULT or ERROR; a method that returns a generator streams ITEM frames
(at most as many as the caller granted: 32, then CREDIT frames) and END. CANCEL drops a
plain call's answer and closes a stream's generator. Batched methods (``@lp.batched``)
are collected into batches instead of taking a pool thread per call.
"""
from __future__ import annotations

import hmac
import inspect
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from . import frames
from .errors import LaunchpadError, error_info
from .frames import (
    CALL,
    CANCEL,
    CREDIT,
    END,
    ERROR,
    HELLO,
    ITEM,
    REFUSED,
    RESULT,
    WELCOME,
    ConnectionClosed,
    FrameTooLarge,
)

#: Called with (method, seconds, error code or None) after each call, for metrics.
CallObserver = Callable[[str, float, "str | None"], None]

# Before a connection proves the launch's secret it may hold the server only briefly and in
# small numbers, as the TypeScript server's (docs/reliability.md): a stranger cannot pile up
# threads or descriptors here.
HELLO_TIMEOUT_S = 10.0
"""The whole time a connection has to present its HELLO, however slowly its bytes come."""
MAX_UNAUTHENTICATED = 128
"""Connections that have not yet presented the secret; more are closed as they are accepted."""
ACCEPT_RETRY_S = 0.1
"""How long the listener waits after a failed accept (out of descriptors) before the next."""


def public_methods(instance: object) -> dict[str, Callable[..., Any]]:
    """The methods of ``instance`` a caller may call: callables not starting with ``_``."""
    methods: dict[str, Callable[..., Any]] = {}
    for name in dir(instance):
        if name.startswith("_"):
            continue
        value = getattr(type(instance), name, None)
        if isinstance(value, property):
            continue  # reading it would run user code just to list methods
        attribute = getattr(instance, name, None)
        if callable(attribute):
            methods[name] = attribute
    return methods


class _Stream:
    """A generator being sent as ITEM frames, paced by the caller's credit."""

    def __init__(self) -> None:
        self.credit = frames.INITIAL_STREAM_CREDIT
        self.cancelled = False
        self.condition = threading.Condition()

    def grant(self, count: int) -> None:
        with self.condition:
            self.credit += count
            self.condition.notify_all()

    def cancel(self) -> None:
        with self.condition:
            self.cancelled = True
            self.condition.notify_all()

    def wait_for_credit(self) -> bool:
        with self.condition:
            while self.credit <= 0 and not self.cancelled:
                self.condition.wait()
            if self.cancelled:
                return False
            self.credit -= 1
            return True


class ServerConnection:
    """One accepted connection: its reader thread, its send lock and its calls."""

    def __init__(self, server: "RpcServer", sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.send_lock = threading.Lock()
        self.cancelled: set[int] = set()
        self.streams: dict[int, _Stream] = {}
        self.lock = threading.Lock()
        self.caller_id = ""
        self.closed = False
        self.authenticated = False

    def send(self, frame: list, path: str = "result") -> None:
        buffers = frames.encode_frame(frame, path, self.server.handle_of)
        size = frames.frame_bytes(buffers) - 4
        if size > self.server.max_bytes:
            raise LaunchpadError(
                "RESOURCE_EXHAUSTED",
                f"The result was not sent: it is {size} bytes, more than the maximum message "
                f"size of {self.server.max_bytes} bytes; send smaller values (or stream them in "
                "parts), or raise maxMessageBytes.",
            )
        with self.send_lock:
            if self.closed:
                return
            frames.send_buffers(self.sock, buffers)

    def serve(self) -> None:
        try:
            self._handshake()
            while True:
                try:
                    body = frames.read_frame(self.sock, self.server.max_bytes)
                except FrameTooLarge as error:
                    self._fail_unknown(error.size)
                    continue
                frame = frames.decode_body(body, self.server.make_handle)
                self._receive(frame)
        except (ConnectionClosed, OSError, ValueError, _Refused):
            pass
        finally:
            self.close()

    def close(self) -> None:
        with self.send_lock:
            if self.closed:
                return
            self.closed = True
        with self.lock:
            streams = list(self.streams.values())
        for stream in streams:
            stream.cancel()
        for action in (lambda: self.sock.shutdown(socket.SHUT_RDWR), self.sock.close):
            try:
                action()
            except OSError:
                pass
        self.server.forget(self)

    def _handshake(self) -> None:
        # One deadline for the whole HELLO: a socket timeout alone restarts at every byte.
        expiry = threading.Timer(HELLO_TIMEOUT_S, self._expire)
        expiry.daemon = True
        expiry.start()
        try:
            body = frames.read_frame(self.sock, frames.HELLO_MAX_BYTES, skip=False)
        except FrameTooLarge:
            raise _Refused() from None
        finally:
            expiry.cancel()
        frame = frames.decode_body(body)
        if (
            isinstance(frame, list)
            and len(frame) >= 2
            and frame[0] == HELLO
            and isinstance(frame[1], str)
            and hmac.compare_digest(frame[1].encode(), self.server.secret)
        ):
            if len(frame) > 2 and isinstance(frame[2], str):
                self.caller_id = frame[2]
            self.server.authenticated(self)
            self.send([WELCOME, self.server.node_id])
            return
        self.send(
            [
                REFUSED,
                f"Connection to node {self.server.node_id} refused: it did not present this "
                "launch's secret.",
            ]
        )
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        raise _Refused()

    def _expire(self) -> None:
        """Ends a connection whose HELLO did not arrive in time."""
        if not self.authenticated:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _fail_unknown(self, size: int) -> None:
        # The TypeScript server matches an oversize CALL to its id; here it is only skipped.
        del size

    def _receive(self, frame: Any) -> None:
        if not isinstance(frame, list) or not frame:
            raise ValueError("a frame that is not an array")
        kind = frame[0]
        if kind == CALL:
            if len(frame) < 4 or not isinstance(frame[1], int) or not isinstance(frame[2], str):
                raise ValueError("a malformed CALL")
            if not isinstance(frame[3], list):
                raise ValueError("a CALL without an argument list")
            self.server.dispatch(self, frame[1], frame[2], frame[3])
        elif kind == CANCEL and len(frame) >= 2:
            call_id = frame[1]
            with self.lock:
                stream = self.streams.pop(call_id, None)
                if stream is None:
                    self.cancelled.add(call_id)
            if stream is not None:
                stream.cancel()
        elif kind == CREDIT and len(frame) >= 3:
            with self.lock:
                stream = self.streams.get(frame[1])
            if stream is not None and isinstance(frame[2], int):
                stream.grant(frame[2])

    def answer(self, call_id: int, method: str, result: Any) -> str | None:
        """Sends a call's result (or streams it); returns the error code it failed with."""
        with self.lock:
            if call_id in self.cancelled:
                self.cancelled.discard(call_id)
                if inspect.isgenerator(result):
                    result.close()
                return "CANCELLED"
        if inspect.isgenerator(result):
            return self._stream(call_id, method, result)
        try:
            self.send([RESULT, call_id, result], f"the result of {method}()")
        except (LaunchpadError, TypeError) as error:
            self.fail(call_id, error)
            return getattr(error, "code", "INVALID_ARGUMENT")
        return None

    def fail(self, call_id: int, error: BaseException) -> None:
        with self.lock:
            self.cancelled.discard(call_id)
        try:
            self.send([ERROR, call_id, error_info(error, self.server.node_id)])
        except OSError:
            pass

    def _stream(self, call_id: int, method: str, generator: Any) -> str | None:
        stream = _Stream()
        with self.lock:
            self.streams[call_id] = stream
        try:
            for item in generator:
                if not stream.wait_for_credit():
                    return "CANCELLED"
                self.send([ITEM, call_id, item], f"an item streamed by {method}()")
            if stream.cancelled:
                return "CANCELLED"
            self.send([END, call_id])
            return None
        except OSError:
            return "UNAVAILABLE"
        except BaseException as error:  # noqa: BLE001 - the caller gets every failure
            self.fail(call_id, error)
            return "UNKNOWN"
        finally:
            generator.close()
            with self.lock:
                self.streams.pop(call_id, None)


class _Refused(Exception):
    """The connection did not present the secret."""


class RpcServer:
    """Serves ``instance``'s public methods over TCP on ``host`` (a port the OS picks)."""

    def __init__(
        self,
        instance: object,
        *,
        secret: str,
        node_id: str,
        host: str = "127.0.0.1",
        port: int = 0,
        max_workers: int = 16,
        max_bytes: int = frames.DEFAULT_MAX_MESSAGE_BYTES,
        make_handle: Callable[[str, dict], Any] | None = None,
        handle_of: Callable[[Any], Any] | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        self.instance = instance
        self.secret = secret.encode()
        self.node_id = node_id
        self.max_bytes = max_bytes
        self.make_handle = make_handle
        self.handle_of = handle_of
        self.observer = observer
        # Listen first: a port already taken fails before anything else is made.
        self.listener = socket.create_server((host, port), family=_family(host))
        self.methods = public_methods(instance)
        self.pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="lp-call")
        self.connections: set[ServerConnection] = set()
        self._unauthenticated = 0
        self._lock = threading.Lock()
        bound = self.listener.getsockname()
        self.address = f"[{bound[0]}]:{bound[1]}" if ":" in bound[0] else f"{bound[0]}:{bound[1]}"
        self._accepting = threading.Thread(target=self._accept, name="lp-accept", daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                if self.listener.fileno() == -1:
                    return
                # Out of descriptors (EMFILE) or a connection aborted before it was taken:
                # the node keeps listening, and takes connections again once it can.
                time.sleep(ACCEPT_RETRY_S)
                continue
            with self._lock:
                crowded = self._unauthenticated >= MAX_UNAUTHENTICATED
                if not crowded:
                    self._unauthenticated += 1
            if crowded:
                sock.close()
                continue
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            connection = ServerConnection(self, sock)
            with self._lock:
                self.connections.add(connection)
            threading.Thread(target=connection.serve, name="lp-conn", daemon=True).start()

    def authenticated(self, connection: ServerConnection) -> None:
        """Counts `connection` as one that presented the secret."""
        with self._lock:
            if not connection.authenticated:
                connection.authenticated = True
                self._unauthenticated -= 1

    def forget(self, connection: ServerConnection) -> None:
        with self._lock:
            self.connections.discard(connection)
            if not connection.authenticated:
                # Marked so that a late authenticated() or a second forget() counts it once.
                connection.authenticated = True
                self._unauthenticated -= 1

    def dispatch(self, connection: ServerConnection, call_id: int, method: str, args: list) -> None:
        function = self.methods.get(method)
        if function is None:
            self.methods = public_methods(self.instance)
            function = self.methods.get(method)
        if function is None:
            known = ", ".join(sorted(self.methods)) or "(none)"
            connection.fail(
                call_id,
                LaunchpadError(
                    "UNIMPLEMENTED",
                    f'Node {self.node_id} has no method "{method}". Its RPC methods are: {known}.',
                ),
            )
            return
        batcher = getattr(function, "lp_batcher", None)
        if batcher is not None:
            batcher.submit(args, lambda ok, value: self._batched_answer(connection, call_id, method, ok, value))
            return
        self.pool.submit(self._run, connection, call_id, method, function, args)

    def _batched_answer(
        self, connection: ServerConnection, call_id: int, method: str, ok: bool, value: Any
    ) -> None:
        if ok:
            connection.answer(call_id, method, value)
        else:
            connection.fail(call_id, value)

    def _run(
        self,
        connection: ServerConnection,
        call_id: int,
        method: str,
        function: Callable[..., Any],
        args: list,
    ) -> None:
        import time

        start = time.perf_counter()
        code: str | None
        try:
            result = function(*args)
        except BaseException as error:  # noqa: BLE001 - the caller gets every failure
            connection.fail(call_id, error)
            code = getattr(error, "code", "UNKNOWN")
        else:
            try:
                code = connection.answer(call_id, method, result)
            except OSError:
                code = "UNAVAILABLE"
        if self.observer is not None:
            self.observer(method, time.perf_counter() - start, code)

    def close(self) -> None:
        """Stops listening and drops every connection."""
        # shutdown() wakes the accepting thread; close() alone would leave it blocked.
        for action in (lambda: self.listener.shutdown(socket.SHUT_RDWR), self.listener.close):
            try:
                action()
            except OSError:
                pass
        with self._lock:
            connections = list(self.connections)
        for connection in connections:
            connection.close()
        self.pool.shutdown(wait=False, cancel_futures=True)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
