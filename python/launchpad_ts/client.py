"""Clients of other nodes: a handle passed to a Python node arrives as a :class:`Client`.

``client.method(*args)`` blocks the calling thread and returns the result;
``client.method.future(*args)`` returns a ``concurrent.futures.Future`` at once, for calls
in parallel. A call waits for its callee to come up (its address comes from the
launcher's ``lookup``), within ``connect_timeout_ms``; ``timeout_ms`` bounds the whole
call (``DEADLINE_EXCEEDED``); ``future.cancel()`` cancels it (a CANCEL frame tells the
callee). A method that streams returns a :class:`RemoteStream`, iterated with ``for``.
"""
from __future__ import annotations

import heapq
import itertools
import math
import queue
import socket
import threading
import time
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

from . import frames
from .codec import WireValueError
from .errors import LaunchpadError, RemoteError
from .frames import CALL, CANCEL, CREDIT, END, ERROR, HELLO, ITEM, REFUSED, RESULT, WELCOME

#: Looks up a node's ``host:port``, waiting up to ``timeout_ms`` for it to come up.
Resolver = Callable[[str, float], str]

_STREAM_GRANT = frames.INITIAL_STREAM_CREDIT // 2
# Backoff between connection attempts to a callee that is not reachable yet.
_RETRY_MIN_S = 0.01
_RETRY_MAX_S = 1.0


@dataclass(frozen=True)
class CallOptions:
    """A client's call defaults; ``math.inf`` means no deadline."""

    timeout_ms: float = math.inf
    connect_timeout_ms: float = 60_000.0

    @staticmethod
    def from_wire(options: dict) -> "CallOptions":
        """The options a handle carries (``timeoutMs``, ``connectTimeoutMs``)."""
        timeout = options.get("timeoutMs")
        connect = options.get("connectTimeoutMs")
        return CallOptions(
            timeout_ms=float(timeout) if isinstance(timeout, (int, float)) else math.inf,
            connect_timeout_ms=float(connect) if isinstance(connect, (int, float)) else 60_000.0,
        )


class _Deadlines:
    """One thread that fires deadline callbacks in time order."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._condition = threading.Condition()
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, at: float, callback: Callable[[], None]) -> None:
        with self._condition:
            heapq.heappush(self._heap, (at, next(self._count), callback))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lp-deadlines", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    wait = None if not self._heap else self._heap[0][0] - time.monotonic()
                    self._condition.wait(wait)
                _, _, callback = heapq.heappop(self._heap)
            callback()


_deadlines = _Deadlines()
_connector = ThreadPoolExecutor(max_workers=32, thread_name_prefix="lp-connect")


class RemoteStream:
    """The values a streaming method yields, in order; iterate it, or ``close()`` it."""

    def __init__(self, peer: "Peer", call_id: int, label: str) -> None:
        self._peer = peer
        self._id = call_id
        self._label = label
        self._items: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._consumed = 0
        self._done = False

    def _push(self, kind: str, value: Any = None) -> None:
        self._items.put((kind, value))

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        if self._done:
            raise StopIteration
        kind, value = self._items.get()
        if kind == "item":
            self._consumed += 1
            if self._consumed % _STREAM_GRANT == 0:
                self._peer.send_quietly([CREDIT, self._id, _STREAM_GRANT])
            return value
        self._done = True
        self._peer.forget(self._id)
        if kind == "error":
            raise value
        raise StopIteration

    def close(self) -> None:
        """Stops the stream: the producer's generator is closed on the other side."""
        if not self._done:
            self._done = True
            self._peer.forget(self._id)
            self._peer.send_quietly([CANCEL, self._id])

    def __enter__(self) -> "RemoteStream":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class _Call:
    """A call in flight: its future, and its stream once it streams."""

    def __init__(self, future: Future, label: str) -> None:
        self.future = future
        self.label = label
        self.stream: RemoteStream | None = None


class Peer:
    """The one connection of this process to one node, opened on first use."""

    def __init__(self, node_id: str, pool: "PeerPool") -> None:
        self.node_id = node_id
        self.pool = pool
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._connect_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._calls: dict[int, _Call] = {}
        self._ids = itertools.count(1)

    def _connect(self, deadline: float) -> socket.socket:
        # Its own lock: the lookup may wait long for the callee, and deadlines must still fire.
        with self._connect_lock:
            if self._sock is not None:
                return self._sock
            remaining_ms = max(0.0, (deadline - time.monotonic()) * 1000)
            address = self.pool.resolver(self.node_id, remaining_ms)
            host, _, port = address.rpartition(":")
            wait = min(30.0, max(0.05, deadline - time.monotonic()))
            sock = socket.create_connection((host.strip("[]"), int(port)), timeout=wait)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            frames.send_buffers(
                sock, frames.encode_frame([HELLO, self.pool.secret, self.pool.caller_id[:256]])
            )
            answer = frames.decode_body(frames.read_frame(sock, frames.HELLO_MAX_BYTES))
            sock.settimeout(None)
            if not isinstance(answer, list) or answer[0] != WELCOME:
                sock.close()
                reason = answer[1] if isinstance(answer, list) and answer[0] == REFUSED else "?"
                raise LaunchpadError("UNAUTHENTICATED", str(reason))
            with self._lock:
                self._sock = sock
            threading.Thread(target=self._read, args=(sock,), name="lp-peer", daemon=True).start()
            return sock

    def _connect_retrying(self, deadline: float, future: Future) -> socket.socket:
        """Connects, retrying a failed attempt (a refused connect, a name not yet in DNS)
        with backoff until ``deadline``, as TypeScript's Peer waits for a callee."""
        delay = _RETRY_MIN_S
        while True:
            try:
                return self._connect(deadline)
            except LaunchpadError:
                raise
            except OSError as error:
                if time.monotonic() + delay >= deadline or future.done():
                    raise LaunchpadError(
                        "UNAVAILABLE",
                        f"Node {self.node_id} could not be reached before the call's deadline: {error}",
                    ) from error
                time.sleep(delay)
                delay = min(delay * 2, _RETRY_MAX_S)

    def _read(self, sock: socket.socket) -> None:
        try:
            while True:
                body = frames.read_frame(sock, self.pool.max_bytes)
                self._receive(frames.decode_body(body, self.pool.make_handle))
        except (frames.ConnectionClosed, OSError, ValueError, frames.FrameTooLarge):
            pass
        with self._lock:
            if self._sock is sock:
                self._sock = None
            calls = list(self._calls.items())
            self._calls.clear()
        try:
            sock.close()
        except OSError:
            pass
        for _, call in calls:
            self._settle(
                call,
                error=LaunchpadError(
                    "UNAVAILABLE",
                    f"Node {self.node_id} became unavailable during call {call.label}: its "
                    "connection closed.",
                ),
            )

    def _receive(self, frame: list) -> None:
        kind, call_id = frame[0], frame[1]
        with self._lock:
            call = self._calls.get(call_id)
            if call is not None and kind in (RESULT, ERROR, END):
                del self._calls[call_id]
        if call is None:
            return
        if kind == RESULT:
            self._settle(call, value=frame[2])
        elif kind == ERROR:
            self._settle(call, error=_remote_error(frame[2]))
        elif kind in (ITEM, END):
            if call.stream is None:
                call.stream = RemoteStream(self, call_id, call.label)
                if kind == ITEM:
                    with self._lock:
                        self._calls[call_id] = call
                self._settle(call, value=call.stream)
            call.stream._push("item" if kind == ITEM else "end", frame[2] if kind == ITEM else None)

    def _settle(self, call: _Call, value: Any = None, error: BaseException | None = None) -> None:
        """Gives the call its outcome, once: its answer, its deadline, a lost connection and
        a failed send may each try to settle it, from different threads, and the first wins."""
        if call.stream is not None and call.future.done():
            if error is not None:
                call.stream._push("error", error)
            return
        # No set_running_or_notify_cancel() first: on a future another thread had just
        # settled, it logs "in unexpected state: FINISHED" and raises. set_result() and
        # set_exception() check and settle atomically (a pending future may be cancelled
        # until then, which a call may be until its answer arrives).
        try:
            if error is not None:
                call.future.set_exception(error)
            else:
                call.future.set_result(value)
        except InvalidStateError:
            pass

    def forget(self, call_id: int) -> None:
        with self._lock:
            self._calls.pop(call_id, None)

    def send_quietly(self, frame: list) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            with self._send_lock:
                frames.send_buffers(sock, frames.encode_frame(frame))
        except OSError:
            pass

    def call(self, method: str, args: tuple, options: CallOptions) -> Future:
        """Starts a call; its future resolves to the result (or a RemoteStream)."""
        label = f"{self.node_id}.{method}()"
        call_id = next(self._ids)
        try:
            # Encoded at once, so the caller may change its arrays as soon as this returns.
            buffers = frames.encode_frame(
                [CALL, call_id, method, list(args)], "args", self.pool.handle_of
            )
        except WireValueError as error:
            where = error.path
            raise LaunchpadError(
                "INVALID_ARGUMENT",
                f"Call {label}: argument {where} {error.problem}. Call arguments must be plain "
                "data (None, bool, int, float, str, bytes, lists, dicts, numpy arrays); the call "
                "was not sent.",
            ) from None
        future: Future = Future()
        call = _Call(future, label)
        start = time.monotonic()
        deadline = start + options.timeout_ms / 1000 if math.isfinite(options.timeout_ms) else math.inf
        connect_deadline = min(deadline, start + options.connect_timeout_ms / 1000)

        def send() -> None:
            try:
                sock = self._connect_retrying(connect_deadline, future)
                with self._lock:
                    if future.done():
                        return
                    self._calls[call_id] = call
                size = frames.frame_bytes(buffers) - 4
                if size > self.pool.max_bytes:
                    raise LaunchpadError(
                        "RESOURCE_EXHAUSTED",
                        f"Call {label} was not sent: The message is {size} bytes, more than the "
                        f"maximum message size of {self.pool.max_bytes} bytes.",
                    )
                with self._send_lock:
                    frames.send_buffers(sock, buffers)
            except BaseException as error:  # noqa: BLE001 - the caller gets every failure
                self.forget(call_id)
                if isinstance(error, LaunchpadError):
                    failure: BaseException = error
                else:
                    failure = LaunchpadError(
                        "UNAVAILABLE", f"Call {label} could not reach node {self.node_id}: {error}"
                    )
                self._settle(call, error=failure)

        def on_done(done: Future) -> None:
            if done.cancelled():
                # Tells concurrent.futures.wait() and as_completed() it is done.
                done.set_running_or_notify_cancel()
                self.forget(call_id)
                self.send_quietly([CANCEL, call_id])

        future.add_done_callback(on_done)
        if math.isfinite(deadline):
            def expire() -> None:
                with self._lock:
                    pending = self._calls.pop(call_id, None)
                if future.done() and (pending is None or pending.stream is None):
                    return
                self.send_quietly([CANCEL, call_id])
                self._settle(
                    call,
                    error=LaunchpadError(
                        "DEADLINE_EXCEEDED",
                        f"Call {label} exceeded its deadline of {options.timeout_ms:g} ms.",
                    ),
                )

            _deadlines.add(deadline, expire)
        if self._sock is not None:
            send()
        else:
            # Sent later, from another thread: keep a copy of the arrays as they are now.
            buffers = [bytes(buffer) if isinstance(buffer, memoryview) else buffer for buffer in buffers]
            _connector.submit(send)
        return future


def _remote_error(info: Any) -> BaseException:
    if not isinstance(info, dict):
        return LaunchpadError("INTERNAL", f"A malformed error: {info!r}")
    if info.get("code") != "UNKNOWN" and info.get("name") == "LaunchpadError":
        return LaunchpadError(str(info.get("code")), str(info.get("message")))
    return RemoteError(info)


class PeerPool:
    """This process's peers, one per node, sharing the secret and the resolver."""

    def __init__(
        self,
        secret: str,
        caller_id: str,
        resolver: Resolver,
        max_bytes: int = frames.DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.secret = secret
        self.caller_id = caller_id
        self.resolver = resolver
        self.max_bytes = max_bytes
        self._peers: dict[str, Peer] = {}
        self._lock = threading.Lock()

    def peer(self, node_id: str) -> Peer:
        with self._lock:
            peer = self._peers.get(node_id)
            if peer is None:
                peer = self._peers[node_id] = Peer(node_id, self)
            return peer

    def make_handle(self, node_id: str, options: dict) -> "Client":
        """A handle that arrived (``HandleRef``) turns into a client."""
        return Client(self.peer(node_id), CallOptions.from_wire(options))

    @staticmethod
    def handle_of(value: Any) -> tuple[str, dict] | None:
        """A client passed on as a value crosses as the handle it came from."""
        if isinstance(value, Client):
            peer = object.__getattribute__(value, "_peer")
            options = object.__getattribute__(value, "_options")
            wire: dict[str, float] = {}
            if math.isfinite(options.timeout_ms):
                wire["timeoutMs"] = options.timeout_ms
            wire["connectTimeoutMs"] = options.connect_timeout_ms
            return (peer.node_id, wire)
        return None


class _Method:
    """``client.name``: call it, or call ``.future(...)``."""

    def __init__(self, client: "Client", name: str) -> None:
        self._client = client
        self._name = name

    def future(self, *args: Any) -> Future:
        """Starts the call and returns its future at once."""
        peer = object.__getattribute__(self._client, "_peer")
        options = object.__getattribute__(self._client, "_options")
        return peer.call(self._name, args, options)

    def __call__(self, *args: Any) -> Any:
        return self.future(*args).result()


class Client:
    """A typed-by-convention client of one node: every attribute is a remote method."""

    def __init__(self, peer: Peer, options: CallOptions) -> None:
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_options", options)

    def __getattr__(self, name: str) -> _Method:
        # Private names are never served; refusing them keeps libraries that probe
        # attributes (`_repr_html_`, `__array__`) from making calls.
        if name.startswith("_"):
            raise AttributeError(name)
        return _Method(self, name)

    def __repr__(self) -> str:
        return f"<launchpad_ts client of {object.__getattribute__(self, '_peer').node_id}>"


def with_options(
    client: Client, *, timeout_ms: float | None = None, connect_timeout_ms: float | None = None
) -> Client:
    """The same client with other call defaults."""
    options: CallOptions = object.__getattribute__(client, "_options")
    if timeout_ms is not None:
        if not isinstance(timeout_ms, (int, float)) or math.isnan(timeout_ms) or timeout_ms < 0:
            raise LaunchpadError("INVALID_ARGUMENT", f"timeout_ms must be a number ≥ 0, not {timeout_ms!r}")
        options = replace(options, timeout_ms=float(timeout_ms))
    if connect_timeout_ms is not None:
        options = replace(options, connect_timeout_ms=float(connect_timeout_ms))
    return Client(object.__getattribute__(client, "_peer"), options)
