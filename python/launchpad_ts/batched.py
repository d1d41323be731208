"""``@lp.batched(max_size)``: the Python form of TypeScript's ``lp.batched``.

The decorated method receives one list per argument position (each call's argument, in
call order) and returns one result per call. Calls from any number of callers are
collected: a batch runs when it holds ``max_size`` calls, or ``timeout_ms`` after its
first call; batches run one at a time on a thread of their own, so collecting never
takes a thread of the node's call pool.
"""
from __future__ import annotations

import functools
import threading
import time
from typing import Any, Callable

#: Called with (ok, result or exception) once the call's batch has run.
Reply = Callable[[bool, Any], None]


class Batcher:
    """Collects the calls of one method of one instance into batches."""

    def __init__(self, function: Callable[..., Any], max_size: int, timeout_ms: float) -> None:
        self.function = function
        self.max_size = max_size
        self.timeout = timeout_ms / 1000
        self._pending: list[tuple[list, Reply]] = []
        self._first_at = 0.0
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, args: list, reply: Reply) -> None:
        """Adds one call to the batch being filled."""
        with self._condition:
            if not self._pending:
                self._first_at = time.monotonic()
            self._pending.append((args, reply))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lp-batch", daemon=True)
                self._thread.start()
            self._condition.notify()

    def _take(self) -> list[tuple[list, Reply]]:
        with self._condition:
            while True:
                if len(self._pending) >= self.max_size:
                    break
                if self._pending:
                    left = self._first_at + self.timeout - time.monotonic()
                    if left <= 0:
                        break
                    self._condition.wait(left)
                else:
                    self._condition.wait()
            batch = self._pending[: self.max_size]
            del self._pending[: self.max_size]
            if self._pending:
                self._first_at = time.monotonic()
            return batch

    def _run(self) -> None:
        while True:
            batch = self._take()
            width = max(len(args) for args, _ in batch)
            columns = [[args[i] if i < len(args) else None for args, _ in batch] for i in range(width)]
            try:
                results = list(self.function(*columns))
                if len(results) != len(batch):
                    raise ValueError(
                        f"batched method {self.function.__name__} returned {len(results)} results "
                        f"for a batch of {len(batch)} calls; return one result per call"
                    )
            except BaseException as error:  # noqa: BLE001 - every call of the batch gets it
                for _, reply in batch:
                    reply(False, error)
                continue
            for (_, reply), result in zip(batch, results):
                reply(True, result)


class _BatchedMethod:
    """The descriptor ``@lp.batched`` leaves on the class: one batcher per instance."""

    def __init__(self, function: Callable[..., Any], max_size: int, timeout_ms: float) -> None:
        self.function = function
        self.max_size = max_size
        self.timeout_ms = timeout_ms
        self.name = function.__name__
        functools.update_wrapper(self, function)  # type: ignore[arg-type]

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        key = f"_lp_batcher_{self.name}"
        bound = instance.__dict__.get(key)
        if bound is None:
            method = self.function.__get__(instance, owner)
            batcher = Batcher(method, self.max_size, self.timeout_ms)

            def call(*args: Any) -> Any:
                """Runs one call through the batch (blocking) when called locally."""
                done = threading.Event()
                box: list[Any] = []
                batcher.submit(list(args), lambda ok, value: (box.append((ok, value)), done.set()))
                done.wait()
                ok, value = box[0]
                if not ok:
                    raise value
                return value

            call.lp_batcher = batcher  # type: ignore[attr-defined]
            bound = instance.__dict__[key] = call
        return bound


def batched(max_size: int, timeout_ms: float = 200) -> Callable[[Callable[..., Any]], Any]:
    """Marks a method as batched: it gets lists of arguments, returns a list of results."""
    if not isinstance(max_size, int) or max_size < 1:
        raise ValueError(f"lp.batched(max_size): max_size must be an integer ≥ 1, not {max_size!r}")

    def decorate(function: Callable[..., Any]) -> Any:
        return _BatchedMethod(function, max_size, timeout_ms)

    return decorate
