"""Where a Python node listens on a cluster host, as ``src/node/node-listen.ts`` decides it.

The launcher's ``NodeSpec.listen`` may ask for a network interface's address (``interface``),
for the address of this host's route toward the launcher (``towardLauncher``), and for a
port range (``ports``); only the host knows its own addresses.
"""
from __future__ import annotations

import fcntl
import random
import socket
import struct
from typing import Any

_SIOCGIFADDR = 0x8915


def interface_address(name: str) -> str:
    """The IPv4 address of this host's interface ``name``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            packed = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
        except OSError as error:
            known = ", ".join(sorted(name for _, name in socket.if_nameindex()))
            raise OSError(f"this host has no IPv4 address on interface {name} (it has: {known})") from error
    return socket.inet_ntoa(packed[20:24])


def address_toward(host: str) -> str:
    """This host's address on its route toward ``host`` (no packet is sent)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.connect((host, 9))
        return probe.getsockname()[0]


def resolve_listen(listen: dict[str, Any] | None, control_address: str) -> tuple[str | None, list[int]]:
    """The address to bind (None: the spec's ``bindHost``) and the ports to try (``[0]``: any)."""
    if not listen:
        return None, [0]
    ports = [0]
    span = listen.get("ports")
    if isinstance(span, dict):
        first, last = int(span["first"]), int(span["last"])
        ports = list(range(first, last + 1))
        random.shuffle(ports)
    address = None
    if isinstance(listen.get("interface"), str):
        address = interface_address(listen["interface"])
    elif listen.get("towardLauncher") is True:
        host = control_address.rsplit(":", 1)[0].strip("[]")
        address = address_toward(host)
    return address, ports
