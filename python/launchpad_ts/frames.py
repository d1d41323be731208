"""Frames on a TCP connection, as docs/rpc.md describes them.

A frame is a 4-byte big-endian length and a body. The body is one MessagePack array
whose first element is the frame type, or, when the frame carries out-of-band segments
(typed arrays of ``OUT_OF_BAND_MIN_BYTES`` or more), an 8-byte header (``0xc1``, three
zero bytes, the MessagePack part's length), the MessagePack part, zero padding to a
multiple of 8, and the segments, each starting at a multiple of 8 from the start of the
body. Segments are always written aligned and without overlap.

A received body is read into a numpy buffer of its own (aligned by numpy), and every
segment of it is decoded as a view of that buffer: no copy on receipt.
"""
from __future__ import annotations

import socket
import struct
from typing import Any, Callable

import numpy as np

from .codec import SEGMENT_KINDS, Decoder, Encoder, Segments

HELLO, WELCOME, REFUSED, CALL, RESULT, ERROR, CANCEL, ITEM, END, CREDIT = range(10)

#: The first byte of a body with out-of-band segments.
OUT_OF_BAND_MARKER = 0xC1
#: The bytes before the MessagePack part of such a body.
HEADER_BYTES = 8
#: The largest first frame a server reads before the secret is checked.
HELLO_MAX_BYTES = 4096
#: How many stream items a server sends before the caller grants more.
INITIAL_STREAM_CREDIT = 32
#: The default bound on one frame, as on the TypeScript side.
DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024


class ConnectionClosed(ConnectionError):
    """The other side closed the connection."""


class FrameTooLarge(Exception):
    """A frame over the size limit; its bytes were skipped."""

    def __init__(self, size: int) -> None:
        super().__init__(f"a frame of {size} bytes")
        self.size = size


def _align(value: int) -> int:
    return (value + 7) & ~7


def encode_frame(
    frame: list, path: str = "value", handle_of: Callable[[Any], Any] | None = None
) -> list[memoryview | bytes]:
    """The buffers of one frame, length prefix first; segments are not copied.

    ``path`` names the frame's last element (its value or arguments) in errors.
    """
    segments = Segments()
    encoder = Encoder(segments, handle_of)
    encoder.array_head(len(frame))
    for index, item in enumerate(frame):
        encoder.write(item, path if index == len(frame) - 1 else f"frame[{index}]")
    part = bytes(encoder.out)
    if not segments.buffers:
        return [struct.pack(">I", len(part)) + part]
    area = _align(HEADER_BYTES + len(part))
    body_bytes = area + segments.area_bytes
    head = bytearray(struct.pack(">I", body_bytes))
    head += bytes((OUT_OF_BAND_MARKER, 0, 0, 0)) + struct.pack(">I", len(part)) + part
    head += bytes(area - HEADER_BYTES - len(part))
    buffers: list[memoryview | bytes] = [bytes(head)]
    written = 0
    for offset, data in zip(segments.offsets, segments.buffers):
        if offset > written:
            buffers.append(bytes(offset - written))
        buffers.append(data)
        written = offset + data.nbytes
    return buffers


def frame_bytes(buffers: list[memoryview | bytes]) -> int:
    """The total length of a frame's buffers."""
    return sum(memoryview(buffer).nbytes for buffer in buffers)


def decode_body(
    body: np.ndarray, make_handle: Callable[[str, dict], Any] | None = None
) -> Any:
    """Decodes a body read by :func:`read_frame` (a uint8 numpy buffer)."""
    data = memoryview(body)
    if len(data) > 0 and data[0] == OUT_OF_BAND_MARKER:
        if len(data) < HEADER_BYTES:
            raise ValueError("a frame body shorter than its header")
        (part_bytes,) = struct.unpack_from(">I", data, 4)
        end = HEADER_BYTES + part_bytes
        if end > len(data):
            raise ValueError("a frame body shorter than its MessagePack part")
        area = _align(end)

        def segment(kind: int, offset: int, nbytes: int) -> Any:
            start = area + offset
            if kind >= len(SEGMENT_KINDS) or offset < 0 or start + nbytes > len(data):
                raise ValueError("a segment reference outside its frame body")
            dtype = SEGMENT_KINDS[kind][1]
            if dtype is None:
                return bytes(data[start : start + nbytes])
            if nbytes % dtype.itemsize != 0:
                raise ValueError("a segment that is not a whole number of elements")
            return body[start : start + nbytes].view(dtype)

        return Decoder(data[HEADER_BYTES:end], segment, make_handle).read()
    return Decoder(data, None, make_handle).read()


def _read_exactly(sock: socket.socket, count: int) -> np.ndarray:
    buffer = np.empty(count, dtype=np.uint8)
    view = memoryview(buffer)
    got = 0
    while got < count:
        read = sock.recv_into(view[got:], count - got)
        if read == 0:
            raise ConnectionClosed()
        got += read
    return buffer


def _skip(sock: socket.socket, count: int) -> None:
    scratch = bytearray(min(count, 1 << 20))
    while count > 0:
        read = sock.recv_into(scratch, min(count, len(scratch)))
        if read == 0:
            raise ConnectionClosed()
        count -= read


def read_frame(sock: socket.socket, max_bytes: int, skip: bool = True) -> np.ndarray:
    """Reads one frame body; a body over ``max_bytes`` raises FrameTooLarge, once its bytes
    are skipped (``skip``) or at once, unread (a first frame before the secret)."""
    (length,) = struct.unpack(">I", bytes(_read_exactly(sock, 4)))
    if length > max_bytes:
        if skip:
            _skip(sock, length)
        raise FrameTooLarge(length)
    return _read_exactly(sock, length)


def send_buffers(sock: socket.socket, buffers: list[memoryview | bytes]) -> None:
    """Writes every buffer with scatter-gather sends, resuming after partial writes."""
    views = [memoryview(buffer).cast("B") for buffer in buffers if len(buffer) > 0]
    while views:
        sent = sock.sendmsg(views[:512])
        while sent > 0 and views:
            first = views[0]
            if sent >= first.nbytes:
                sent -= first.nbytes
                views.pop(0)
            else:
                views[0] = first[sent:]
                sent = 0
