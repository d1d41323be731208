"""Where a node listens on a cluster host: an interface, the route toward the launcher, a port range."""
from __future__ import annotations

import unittest

from launchpad_ts.listen import resolve_listen


class Listen(unittest.TestCase):
    def test_nothing_asked_means_the_spec_bind_host_and_any_port(self):
        self.assertEqual(resolve_listen(None, "127.0.0.1:1"), (None, [0]))

    def test_an_interface_gives_its_address(self):
        self.assertEqual(resolve_listen({"interface": "lo"}, "127.0.0.1:1")[0], "127.0.0.1")

    def test_an_unknown_interface_names_the_known_ones(self):
        with self.assertRaises(OSError) as caught:
            resolve_listen({"interface": "nosuch0"}, "127.0.0.1:1")
        self.assertIn("lo", str(caught.exception))

    def test_toward_the_launcher_and_a_port_range(self):
        address, ports = resolve_listen({"towardLauncher": True, "ports": {"first": 5000, "last": 5003}}, "127.0.0.1:9")
        self.assertEqual(address, "127.0.0.1")
        self.assertEqual(sorted(ports), [5000, 5001, 5002, 5003])


if __name__ == "__main__":
    unittest.main()
