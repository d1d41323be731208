"""Metrics of a Python node: calls served (per method) and user metrics (``lp.metrics``).

The node's main sends a report of what changed every ``metricsIntervalMs`` through the
control plane's ``reportMetrics``, in the shape TypeScript nodes send
(``src/metrics/report.ts``), so ``/metrics``, the dashboard and history show it alike.
"""
from __future__ import annotations

import os
import re
import resource
import socket
import threading
import time
from typing import Any

#: The call-latency buckets, in seconds (as ``LATENCY_BUCKETS_SECONDS``).
LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_RESERVED = {"node", "label", "program", "method", "callee", "code", "le"}


class _Histogram:
    def __init__(self, bounds: list[float]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        index = 0
        while index < len(self.bounds) and value > self.bounds[index]:
            index += 1
        self.counts[index] += 1
        self.sum += value
        self.count += 1

    def snapshot(self) -> dict[str, Any]:
        return {"bounds": self.bounds, "counts": list(self.counts), "sum": self.sum, "count": self.count}


class _MethodStats:
    def __init__(self, method: str) -> None:
        self.method = method
        self.calls = 0
        self.errors: dict[str, int] = {}
        self.latency = _Histogram(LATENCY_BUCKETS)
        self.changed = False

    def snapshot(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "calls": self.calls,
            "inFlight": 0,
            "errors": dict(self.errors),
            "bytesReceived": 0,
            "bytesSent": 0,
            "latency": self.latency.snapshot(),
        }


class _Series:
    def __init__(self, labels: dict[str, str], histogram: _Histogram | None) -> None:
        self.labels = labels
        self.value = 0.0
        self.histogram = histogram
        self.changed = False


class Metric:
    """One user metric: a counter (``inc``), a gauge (``set``/``inc``/``dec``) or a histogram (``observe``)."""

    def __init__(self, name: str, kind: str, help: str, buckets: list[float] | None) -> None:
        self.name = name
        self.kind = kind
        self.help = help
        self.buckets = buckets or LATENCY_BUCKETS
        self._series: dict[tuple, _Series] = {}
        self._lock = threading.Lock()

    def _of(self, labels: dict[str, Any] | None) -> _Series:
        labels = labels or {}
        for name, value in labels.items():
            if not _NAME.match(name) or name.startswith("__") or name in _RESERVED:
                raise ValueError(f"lp.metrics.{self.kind}('{self.name}'): label name {name!r} is not allowed")
            if not isinstance(value, (str, int, float)):
                raise ValueError(f"lp.metrics.{self.kind}('{self.name}'): label {name} must be a string or a number")
        key = tuple(sorted((name, str(value)) for name, value in labels.items()))
        series = self._series.get(key)
        if series is None:
            histogram = _Histogram(self.buckets) if self.kind == "histogram" else None
            series = self._series[key] = _Series(dict(key), histogram)
        return series

    def inc(self, amount: float = 1, labels: dict[str, Any] | None = None) -> None:
        """Adds ``amount`` (a counter only goes up)."""
        if self.kind == "counter" and amount < 0:
            raise ValueError(f"lp.metrics.counter('{self.name}').inc(): a counter cannot go down")
        with self._lock:
            series = self._of(labels)
            series.value += float(amount)
            series.changed = True

    def dec(self, amount: float = 1, labels: dict[str, Any] | None = None) -> None:
        """Subtracts ``amount`` (gauges)."""
        self.inc(-amount, labels) if self.kind != "counter" else self.inc(-1)

    def set(self, value: float, labels: dict[str, Any] | None = None) -> None:
        """Sets a gauge."""
        with self._lock:
            series = self._of(labels)
            series.value = float(value)
            series.changed = True

    def observe(self, value: float, labels: dict[str, Any] | None = None) -> None:
        """Records a value in a histogram."""
        with self._lock:
            series = self._of(labels)
            assert series.histogram is not None, f"{self.name} is a {self.kind}, not a histogram"
            series.histogram.observe(float(value))
            series.changed = True

    def take_changes(self) -> dict[str, Any] | None:
        with self._lock:
            changed = []
            for series in self._series.values():
                if not series.changed:
                    continue
                series.changed = False
                if series.histogram is None:
                    changed.append({"labels": series.labels, "value": series.value})
                else:
                    changed.append({"labels": series.labels, "histogram": series.histogram.snapshot()})
        if not changed:
            return None
        return {"name": self.name, "kind": self.kind, "help": self.help, "series": changed}


class _UserMetrics:
    """``lp.metrics``: ``counter(name)``, ``gauge(name)``, ``histogram(name, buckets=...)``."""

    def __init__(self) -> None:
        self._metrics: dict[str, Metric] = {}
        self._lock = threading.Lock()

    def _metric(self, name: str, kind: str, help: str, buckets: list[float] | None) -> Metric:
        if not _NAME.match(name):
            raise ValueError(f"lp.metrics.{kind}({name!r}): not a valid metric name")
        with self._lock:
            metric = self._metrics.get(name)
            if metric is None:
                metric = self._metrics[name] = Metric(name, kind, help, buckets)
            elif metric.kind != kind:
                raise ValueError(f"lp.metrics.{kind}({name!r}): {name} is already a {metric.kind}")
            return metric

    def counter(self, name: str, help: str = "") -> Metric:
        """The counter ``name``."""
        return self._metric(name, "counter", help, None)

    def gauge(self, name: str, help: str = "") -> Metric:
        """The gauge ``name``."""
        return self._metric(name, "gauge", help, None)

    def histogram(self, name: str, help: str = "", buckets: list[float] | None = None) -> Metric:
        """The histogram ``name``."""
        return self._metric(name, "histogram", help, buckets)

    def take_changes(self) -> list[dict[str, Any]]:
        with self._lock:
            metrics = list(self._metrics.values())
        return [change for change in (metric.take_changes() for metric in metrics) if change]


metrics = _UserMetrics()


class NodeMetrics:
    """What the node's server recorded, and the report built from it."""

    def __init__(self, node_id: str) -> None:
        self.node_id = node_id
        self.run = f"{os.getpid()}-{time.time_ns():x}"
        self.started = time.monotonic()
        self._methods: dict[str, _MethodStats] = {}
        self._lock = threading.Lock()
        self._last_cpu = _cpu_seconds()
        self._last_at = time.monotonic()

    def observe_call(self, method: str, seconds: float, code: str | None) -> None:
        """Records one call the node served."""
        with self._lock:
            stats = self._methods.get(method)
            if stats is None:
                stats = self._methods[method] = _MethodStats(method)
            stats.calls += 1
            stats.latency.observe(seconds)
            if code is not None:
                stats.errors[code] = stats.errors.get(code, 0) + 1
            stats.changed = True

    def report(self) -> dict[str, Any]:
        """The report of what changed since the last one."""
        with self._lock:
            server = []
            for stats in self._methods.values():
                if stats.changed:
                    stats.changed = False
                    server.append(stats.snapshot())
        now = time.monotonic()
        cpu = _cpu_seconds()
        utilization = (cpu - self._last_cpu) / max(now - self._last_at, 1e-6)
        self._last_cpu, self._last_at = cpu, now
        return {
            "nodeId": self.node_id,
            "run": self.run,
            "process": {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "uptimeSeconds": now - self.started,
                "cpuSeconds": cpu,
                "cpuUtilization": utilization,
                "rssBytes": _rss_bytes(),
                "heapUsedBytes": 0,
                "heapTotalBytes": 0,
                "eventLoopDelay": {"mean": 0, "p50": 0, "p99": 0, "max": 0},
                "eventLoopUtilization": 0,
            },
            "server": server,
            "client": [],
            "user": metrics.take_changes(),
        }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
