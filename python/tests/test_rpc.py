"""A Python server and Python clients in one process: calls, futures, streams, errors,
deadlines, cancellation and batching."""
from __future__ import annotations

import socket
import threading
import time
import unittest
from concurrent.futures import Future, wait

import numpy as np

import launchpad_ts as lp
from launchpad_ts.client import CallOptions, Client, PeerPool, _Call
from launchpad_ts.server import RpcServer

SECRET = "s" * 32


class Service:
    def __init__(self):
        self.started = threading.Event()
        self.release = threading.Event()
        self.closed = threading.Event()

    def echo(self, value):
        return value

    def fail(self, message):
        raise KeyError(message)

    def numbers(self, count):
        try:
            for index in range(count):
                yield index
        finally:
            self.closed.set()

    def slow(self):
        self.started.set()
        self.release.wait(10)
        return "done"

    @lp.batched(3, timeout_ms=20)
    def add(self, xs, ys):
        return [x + y for x, y in zip(xs, ys)]

    def _hidden(self):
        return "no"


class Rpc(unittest.TestCase):
    def setUp(self):
        self.service = Service()
        self.server = RpcServer(self.service, secret=SECRET, node_id="service/0")
        pool = PeerPool(SECRET, "test", lambda node, timeout: self.server.address)
        self.client = Client(pool.peer("service/0"), CallOptions())

    def tearDown(self):
        self.service.release.set()
        self.server.close()

    def test_calls_return_values(self):
        self.assertEqual(self.client.echo({"a": [1, 2]}), {"a": [1, 2]})
        np.testing.assert_array_equal(self.client.echo(np.arange(1000, dtype=np.float32)), np.arange(1000, dtype=np.float32))

    def test_futures_run_in_parallel(self):
        futures = [self.client.echo.future(index) for index in range(20)]
        self.assertEqual([future.result(10) for future in futures], list(range(20)))

    def test_an_exception_reaches_the_caller_as_a_remote_error(self):
        with self.assertRaises(lp.RemoteError) as caught:
            self.client.fail("nope")
        self.assertEqual(caught.exception.remote_name, "KeyError")
        self.assertEqual(caught.exception.node_id, "service/0")
        self.assertIn("Traceback", caught.exception.remote_stack)

    def test_unknown_methods_are_unimplemented_and_private_ones_not_even_attributes(self):
        with self.assertRaises(lp.LaunchpadError) as caught:
            self.client.missing()
        self.assertEqual(caught.exception.code, "UNIMPLEMENTED")
        with self.assertRaises(AttributeError):
            self.client._hidden()

    def test_a_generator_streams_with_credit(self):
        self.assertEqual(list(self.client.numbers(100)), list(range(100)))

    def test_closing_a_stream_closes_the_generator(self):
        stream = self.client.numbers(10_000)
        self.assertEqual(next(stream), 0)
        stream.close()
        self.assertTrue(self.service.closed.wait(5))

    def test_a_deadline_fails_the_call(self):
        with self.assertRaises(lp.LaunchpadError) as caught:
            lp.with_options(self.client, timeout_ms=50).slow()
        self.assertEqual(caught.exception.code, "DEADLINE_EXCEEDED")

    def test_a_cancelled_future_is_cancelled_and_the_server_forgets_it(self):
        future = self.client.slow.future()
        self.assertTrue(self.service.started.wait(5))
        self.assertTrue(future.cancel())
        self.assertTrue(future.cancelled())
        self.assertEqual(self.client.echo(1), 1)

    def test_a_cancelled_future_counts_as_done_for_wait(self):
        future = self.client.slow.future()
        self.assertTrue(self.service.started.wait(5))
        self.assertTrue(future.cancel())
        done, _ = wait([future], timeout=5)
        self.assertEqual(done, {future})

    def test_batched_calls_run_together(self):
        futures = [self.client.add.future(index, 10) for index in range(7)]
        self.assertEqual([future.result(10) for future in futures], [index + 10 for index in range(7)])

    def test_a_wrong_secret_is_refused(self):
        pool = PeerPool("wrong", "test", lambda node, timeout: self.server.address)
        client = Client(pool.peer("service/0"), CallOptions(connect_timeout_ms=2_000))
        with self.assertRaises(lp.LaunchpadError) as caught:
            client.echo(1)
        self.assertIn("refused", str(caught.exception))

    def test_an_argument_that_cannot_cross_is_refused_before_sending(self):
        with self.assertRaises(lp.LaunchpadError) as caught:
            self.client.echo({"f": lambda: 1})
        self.assertEqual(caught.exception.code, "INVALID_ARGUMENT")
        self.assertIn("args[0].f", str(caught.exception))

    def test_a_client_cannot_be_passed_in_a_call(self):
        with self.assertRaises(lp.LaunchpadError) as caught:
            self.client.echo([self.client])
        self.assertIn("args[0][0] is a client of node service/0", str(caught.exception))

    def test_a_lost_server_fails_calls_in_flight(self):
        future = self.client.slow.future()
        self.assertTrue(self.service.started.wait(5))
        self.server.close()
        with self.assertRaises(lp.LaunchpadError) as caught:
            future.result(10)
        self.assertEqual(caught.exception.code, "UNAVAILABLE")


class Settling(unittest.TestCase):
    """A call's answer, its deadline, a lost connection and a failed send may each settle
    it, from different threads (at a stop, several at once): the first wins, quietly."""

    def setUp(self):
        self.peer = PeerPool(SECRET, "test", lambda node, timeout: "127.0.0.1:1").peer("x/0")

    def test_a_call_settled_twice_keeps_its_first_outcome_and_logs_nothing(self):
        call = _Call(Future(), "x/0.f()")
        with self.assertNoLogs("concurrent.futures"):
            self.peer._settle(call, value=1)
            self.peer._settle(call, error=lp.LaunchpadError("UNAVAILABLE", "connection closed"))
            self.peer._settle(call, value=2)
        self.assertEqual(call.future.result(0), 1)

    def test_a_failure_after_a_failure_keeps_the_first(self):
        call = _Call(Future(), "x/0.f()")
        with self.assertNoLogs("concurrent.futures"):
            self.peer._settle(call, error=lp.LaunchpadError("DEADLINE_EXCEEDED", "deadline"))
            self.peer._settle(call, error=lp.LaunchpadError("UNAVAILABLE", "connection closed"))
        self.assertEqual(call.future.exception(0).code, "DEADLINE_EXCEEDED")

    def test_a_cancelled_call_stays_cancelled(self):
        call = _Call(Future(), "x/0.f()")
        self.assertTrue(call.future.cancel())
        with self.assertNoLogs("concurrent.futures"):
            self.peer._settle(call, value=1)
        self.assertTrue(call.future.cancelled())


def _free_port():
    """A port nothing listens on now (the OS just handed it out and it was closed)."""
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def _client_at(port, node_id, connect_timeout_ms):
    """A client of `node_id`, which the resolver places at `port` on this host."""
    pool = PeerPool(SECRET, "test", lambda node, timeout: f"127.0.0.1:{port}")
    return Client(pool.peer(node_id), CallOptions(connect_timeout_ms=connect_timeout_ms))


class WaitForReady(unittest.TestCase):
    def test_a_call_waits_for_a_callee_that_is_not_listening_yet(self):
        port = _free_port()
        client = _client_at(port, "late/0", connect_timeout_ms=10_000)
        future = client.echo.future("late")
        time.sleep(0.2)  # refused meanwhile: the client retries
        server = RpcServer(Service(), secret=SECRET, node_id="late/0", port=port)
        try:
            self.assertEqual(future.result(10), "late")
        finally:
            server.close()

    def test_a_callee_that_never_comes_up_fails_unavailable_at_the_connect_deadline(self):
        client = _client_at(_free_port(), "never/0", connect_timeout_ms=300)
        with self.assertRaises(lp.LaunchpadError) as caught:
            client.echo(1)
        self.assertEqual(caught.exception.code, "UNAVAILABLE")


class Context(unittest.TestCase):
    def test_outside_a_node_the_context_is_refused(self):
        with self.assertRaises(lp.LaunchpadError):
            lp.context()
        self.assertFalse(lp.stop_requested())

    def test_user_metrics_report_what_changed(self):
        lp.metrics.counter("unit_calls").inc(2, {"kind": "a"})
        lp.metrics.histogram("unit_seconds").observe(0.3)
        changes = {change["name"]: change for change in lp.metrics.take_changes()}
        self.assertEqual(changes["unit_calls"]["series"][0], {"labels": {"kind": "a"}, "value": 2.0})
        self.assertEqual(changes["unit_seconds"]["series"][0]["histogram"]["count"], 1)
        self.assertEqual(lp.metrics.take_changes(), [])


if __name__ == "__main__":
    unittest.main()
