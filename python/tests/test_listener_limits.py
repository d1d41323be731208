"""What a stranger can hold on a Python node's listeners before presenting the secret: a
bounded number of connections, each for a bounded time, and nothing that ends the listener."""
from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import textwrap
import time
import unittest

import launchpad_ts.diagnostics as diagnostics
import launchpad_ts.server as server_module
from launchpad_ts.client import CallOptions, Client, PeerPool
from launchpad_ts.server import RpcServer

SECRET = "s" * 32


class Echo:
    def echo(self, value):
        return value


def _connect(address: str) -> socket.socket:
    host, port = address.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=5)


def _closed_by_peer(sock: socket.socket, trickles: int, pause_s: float) -> bool:
    """Sends one byte every ``pause_s`` up to ``trickles`` times; true once the peer has
    closed the connection (a send or a read fails, or a read sees its end)."""
    sock.settimeout(pause_s)
    for _ in range(trickles):
        try:
            sock.sendall(b"\x00")
            if sock.recv(1) == b"":
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


class RpcListener(unittest.TestCase):
    def setUp(self):
        self.saved = (server_module.MAX_UNAUTHENTICATED, server_module.HELLO_TIMEOUT_S)
        self.server = RpcServer(Echo(), secret=SECRET, node_id="echo/0")
        self.sockets: list[socket.socket] = []

    def tearDown(self):
        server_module.MAX_UNAUTHENTICATED, server_module.HELLO_TIMEOUT_S = self.saved
        for sock in self.sockets:
            sock.close()
        self.server.close()

    def call_echo(self, value):
        pool = PeerPool(SECRET, "test", lambda node, timeout: self.server.address)
        return Client(pool.peer("echo/0"), CallOptions(timeout_ms=5000)).echo(value)

    def test_closes_connections_beyond_the_cap_at_once(self):
        server_module.MAX_UNAUTHENTICATED = 4
        held = [_connect(self.server.address) for _ in range(4)]
        self.sockets.extend(held)
        extra = _connect(self.server.address)
        self.sockets.append(extra)
        extra.settimeout(5)
        self.assertEqual(extra.recv(1), b"", "a fifth silent connection is closed as it is taken")
        for sock in held:
            sock.close()
        # Once the silent ones are gone, a caller with the secret is served again.
        for _ in range(50):
            try:
                self.assertEqual(self.call_echo(7), 7)
                break
            except Exception:  # the server may not have seen the closes yet
                time.sleep(0.1)
        else:
            self.fail("the server never served a caller again")

    def test_ends_a_hello_that_trickles_in(self):
        server_module.HELLO_TIMEOUT_S = 0.5
        sock = _connect(self.server.address)
        self.sockets.append(sock)
        # A HELLO announced at 100 bytes whose bytes then come one at a time: a per-read
        # timeout would restart at every byte; the deadline holds for the whole HELLO.
        sock.sendall(struct.pack(">I", 100))
        self.assertTrue(_closed_by_peer(sock, trickles=40, pause_s=0.1))

    def test_keeps_listening_after_running_out_of_descriptors(self):
        # A child process serves with a descriptor limit just above what it holds, so the
        # connections below exhaust it; once they close, a call with the secret must work.
        script = textwrap.dedent(
            f"""
            import os, resource, sys, time
            from launchpad_ts.server import RpcServer
            class Echo:
                def echo(self, value):
                    return value
            server = RpcServer(Echo(), secret={SECRET!r}, node_id="echo/0")
            held = len(os.listdir("/proc/self/fd"))
            resource.setrlimit(resource.RLIMIT_NOFILE, (held + 3, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
            print(server.address, flush=True)
            time.sleep(60)
            """
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, text=True)
        try:
            address = child.stdout.readline().strip()
            self.assertTrue(address, "the child printed its address")
            crowd = [_connect(address) for _ in range(12)]
            time.sleep(0.5)  # lets the server meet EMFILE on accept
            for sock in crowd:
                sock.close()
            pool = PeerPool(SECRET, "test", lambda node, timeout: address)
            result = Client(pool.peer("echo/0"), CallOptions(timeout_ms=8000)).echo("still here")
            self.assertEqual(result, "still here")
        finally:
            child.kill()
            child.wait()
            child.stdout.close()


class DiagnosticsListener(unittest.TestCase):
    def setUp(self):
        self.saved = diagnostics.REQUEST_TIMEOUT_S

    def tearDown(self):
        diagnostics.REQUEST_TIMEOUT_S = self.saved

    def test_ends_a_request_line_that_trickles_in(self):
        diagnostics.REQUEST_TIMEOUT_S = 0.5
        address = diagnostics.start_diagnostics(SECRET, "127.0.0.1")
        sock = _connect(address)
        try:
            self.assertTrue(_closed_by_peer(sock, trickles=40, pause_s=0.1))
        finally:
            sock.close()


if __name__ == "__main__":
    unittest.main()
