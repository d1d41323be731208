"""MessagePack as launchpad-ts's TypeScript side writes and reads it (msgpackr).

What is standard MessagePack is written and read as such. On top of it:

- A dict whose keys are all strings is written as a msgpackr *record* (``d4 72 <id>``,
  the keys as an array, then the values), which TypeScript decodes as a plain object; any
  other dict is a MessagePack map, which TypeScript decodes as a ``Map``. Records from
  TypeScript (a definition, then bare ids 0x40-0x7f for reuse within one message) are read
  back as dicts. Positive integers from 0x40 up are therefore always written with a
  type byte, never as fixints, so they are never taken for a record id.
- numpy arrays (and TypeScript typed arrays) cross as typed arrays: below
  ``OUT_OF_BAND_MIN_BYTES`` inside the MessagePack part (msgpackr's extension 0x74),
  from it up as out-of-band segments (extension 0x53, see ``frames.py``).
- Extensions written as a marker followed by a value: ``undefined`` (0x00), an Error
  (0x4d: name, message, stack, cause), a Set (0x73) and, read only, a handle (0x4c: node
  id, options), which node arguments carry and which arrives as a client.

Anything else fails with :class:`WireValueError`, naming the value's path.
"""
from __future__ import annotations

import datetime
import math
import struct
from typing import Any, Callable

import numpy as np

#: Typed arrays smaller than this stay inside the MessagePack part.
OUT_OF_BAND_MIN_BYTES = 512

_RECORD_EXTENSION = 0x72
_SEGMENT_EXTENSION = 0x53
_TYPED_ARRAY_EXTENSION = 0x74
_ERROR_EXTENSION = 0x4D
_HANDLE_EXTENSION = 0x4C
_SET_EXTENSION = 0x73
_UNDEFINED_EXTENSION = 0x00
_TIMESTAMP_EXTENSION = -1

# The segment kinds of out-of-band.ts, by index: (TypeScript class, numpy dtype).
SEGMENT_KINDS: list[tuple[str, np.dtype | None]] = [
    ("Buffer", None),
    ("Uint8Array", np.dtype("<u1")),
    ("Int8Array", np.dtype("<i1")),
    ("Uint8ClampedArray", np.dtype("<u1")),
    ("Int16Array", np.dtype("<i2")),
    ("Uint16Array", np.dtype("<u2")),
    ("Int32Array", np.dtype("<i4")),
    ("Uint32Array", np.dtype("<u4")),
    ("Float32Array", np.dtype("<f4")),
    ("Float64Array", np.dtype("<f8")),
    ("BigInt64Array", np.dtype("<i8")),
    ("BigUint64Array", np.dtype("<u8")),
]
# msgpackr's own order of typed-array kinds (extension 0x74).
_INLINE_NAMES = [
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
]
_DTYPE_BY_NAME = {name: dtype for name, dtype in SEGMENT_KINDS if dtype is not None}
# numpy dtype (little-endian) -> segment kind; uint8 goes out as Uint8Array.
_KIND_BY_DTYPE = {
    np.dtype("<u1"): 1,
    np.dtype("<i1"): 2,
    np.dtype("<i2"): 4,
    np.dtype("<u2"): 5,
    np.dtype("<i4"): 6,
    np.dtype("<u4"): 7,
    np.dtype("<f4"): 8,
    np.dtype("<f8"): 9,
    np.dtype("<i8"): 10,
    np.dtype("<u8"): 11,
}

_SUPPORTED = (
    "None, bool, int, float, str, bytes, list, tuple, dict, set, numpy arrays of "
    "(u)int8/16/32/64 or float32/64, numpy scalars and exceptions"
)


class WireValueError(TypeError):
    """A value that cannot cross to another node; ``path`` says where it was."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path} {problem}")
        self.path = path
        self.problem = problem


class JsError(Exception):
    """An Error value that came from TypeScript (not a failed call: a value)."""

    def __init__(self, name: str, message: str, stack: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message
        self.stack = stack


class Segments:
    """The out-of-band segments of one frame being written."""

    def __init__(self) -> None:
        self.buffers: list[memoryview] = []
        self.offsets: list[int] = []
        self.area_bytes = 0

    def add(self, data: memoryview) -> int:
        """Places ``data`` at the next multiple of 8 of the segment area; returns its offset."""
        offset = (self.area_bytes + 7) & ~7
        self.buffers.append(data)
        self.offsets.append(offset)
        self.area_bytes = offset + data.nbytes
        return offset


class Encoder:
    """Writes one value; ``segments`` collects large arrays when writing a frame."""

    def __init__(
        self,
        segments: Segments | None = None,
        handle_of: Callable[[Any], tuple[str, dict] | None] | None = None,
    ) -> None:
        self.out = bytearray()
        self.segments = segments
        self.handle_of = handle_of
        self._records: dict[tuple[str, ...], int] = {}
        self._ids: dict[int, tuple[str, ...]] = {}
        self._next_id = 0
        self._depth: set[int] = set()

    def encode(self, value: Any, path: str) -> bytes:
        """The MessagePack bytes of ``value`` (``path`` names it in errors)."""
        self.write(value, path)
        return bytes(self.out)

    # -- scalars ----------------------------------------------------------------
    def _int(self, value: int, path: str) -> None:
        out = self.out
        if 2**32 <= abs(value) <= 2**53 or -(2**53) <= value < -(2**31):
            # As msgpackr writes such numbers: TypeScript reads them as numbers, not BigInts.
            out += b"\xcb" + struct.pack(">d", float(value))
        elif 0 <= value < 0x40:
            out.append(value)
        elif 0 <= value <= 0xFF:
            out += b"\xcc" + value.to_bytes(1, "big")
        elif 0 <= value <= 0xFFFF:
            out += b"\xcd" + value.to_bytes(2, "big")
        elif 0 <= value <= 0xFFFFFFFF:
            out += b"\xce" + value.to_bytes(4, "big")
        elif 0 <= value <= 0xFFFFFFFFFFFFFFFF:
            out += b"\xcf" + value.to_bytes(8, "big")
        elif -0x20 <= value < 0:
            out.append(value & 0xFF)
        elif -0x80 <= value < 0:
            out += b"\xd0" + value.to_bytes(1, "big", signed=True)
        elif -0x8000 <= value < 0:
            out += b"\xd1" + value.to_bytes(2, "big", signed=True)
        elif -0x80000000 <= value < 0:
            out += b"\xd2" + value.to_bytes(4, "big", signed=True)
        elif -0x8000000000000000 <= value < 0:
            out += b"\xd3" + value.to_bytes(8, "big", signed=True)
        else:
            raise WireValueError(path, f"is an integer ({value}) outside 64 bits")

    def _head(self, length: int, fix: int, fix_limit: int, codes: tuple[int, int, int]) -> None:
        out = self.out
        if length < fix_limit:
            out.append(fix | length)
        elif codes[0] and length <= 0xFF:
            out += bytes((codes[0], length))
        elif length <= 0xFFFF:
            out += bytes((codes[1],)) + length.to_bytes(2, "big")
        else:
            out += bytes((codes[2],)) + length.to_bytes(4, "big")

    def array_head(self, length: int) -> None:
        """Writes the head of an array of ``length`` items (the items follow)."""
        self._head(length, 0x90, 16, (0, 0xDC, 0xDD))

    def _str(self, value: str) -> None:
        data = value.encode("utf-8")
        self._head(len(data), 0xA0, 32, (0xD9, 0xDA, 0xDB))
        self.out += data

    def _bin(self, data: bytes | memoryview) -> None:
        length = len(data)
        if length <= 0xFF:
            self.out += bytes((0xC4, length))
        elif length <= 0xFFFF:
            self.out += b"\xc5" + length.to_bytes(2, "big")
        else:
            self.out += b"\xc6" + length.to_bytes(4, "big")
        self.out += data

    def _ext(self, kind: int, data: bytes) -> None:
        length = len(data)
        fixed = {1: 0xD4, 2: 0xD5, 4: 0xD6, 8: 0xD7, 16: 0xD8}.get(length)
        if fixed is not None:
            self.out += bytes((fixed, kind & 0xFF))
        elif length <= 0xFF:
            self.out += bytes((0xC7, length, kind & 0xFF))
        elif length <= 0xFFFF:
            self.out += b"\xc8" + length.to_bytes(2, "big") + bytes((kind & 0xFF,))
        else:
            self.out += b"\xc9" + length.to_bytes(4, "big") + bytes((kind & 0xFF,))
        self.out += data

    def _marker(self, kind: int) -> None:
        # msgpackr's extensions with a value of their own: a fixext 1 marker, then the value.
        self.out += bytes((0xD4, kind, 0))

    # -- arrays -----------------------------------------------------------------
    def _bytes(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data).cast("B")
        if self.segments is not None and view.nbytes >= OUT_OF_BAND_MIN_BYTES:
            self._reference(0, view)
        else:
            self._bin(view)

    def _reference(self, kind: int, view: memoryview) -> None:
        assert self.segments is not None
        offset = self.segments.add(view)
        self._ext(_SEGMENT_EXTENSION, struct.pack(">Bdd", kind, float(offset), float(view.nbytes)))

    def _ndarray(self, value: np.ndarray, path: str) -> None:
        dtype = value.dtype.newbyteorder("<") if value.dtype.byteorder == ">" else value.dtype
        kind = _KIND_BY_DTYPE.get(np.dtype(dtype).newbyteorder("<"))
        if kind is None:
            raise WireValueError(
                path,
                f"is a numpy array of dtype {value.dtype}, which has no TypeScript typed array; "
                "use (u)int8/16/32/64 or float32/64 (astype() first)",
            )
        array = np.ascontiguousarray(value, dtype=np.dtype(dtype).newbyteorder("<")).reshape(-1)
        view = memoryview(array).cast("B")
        if self.segments is not None and view.nbytes >= OUT_OF_BAND_MIN_BYTES:
            self._reference(kind, view)
        else:
            name = SEGMENT_KINDS[kind][0]
            self._ext(_TYPED_ARRAY_EXTENSION, bytes((_INLINE_NAMES.index(name),)) + view.tobytes())

    # -- containers -------------------------------------------------------------
    def _record(self, value: dict, path: str) -> None:
        keys = tuple(value.keys())
        record_id = self._records.get(keys)
        if record_id is None:
            record_id = 0x40 + self._next_id % 64
            self._next_id += 1
            old = self._ids.pop(record_id, None)
            if old is not None:
                self._records.pop(old, None)
            self._records[keys] = record_id
            self._ids[record_id] = keys
            self.out += bytes((0xD4, _RECORD_EXTENSION, record_id))
            self._head(len(keys), 0x90, 16, (0, 0xDC, 0xDD))
            for key in keys:
                self._str(key)
        else:
            self.out.append(record_id)
        for key, item in value.items():
            self.write(item, f"{path}.{key}")

    def _container(self, value: Any, path: str) -> None:
        marker = id(value)
        if marker in self._depth:
            raise WireValueError(path, "is circular (it contains itself)")
        self._depth.add(marker)
        try:
            if isinstance(value, dict):
                if all(isinstance(key, str) for key in value):
                    self._record(value, path)
                else:
                    self._head(len(value), 0x80, 16, (0, 0xDE, 0xDF))
                    for key, item in value.items():
                        self.write(key, f"{path}[{key!r}] (key)")
                        self.write(item, f"{path}[{key!r}]")
            else:
                self._head(len(value), 0x90, 16, (0, 0xDC, 0xDD))
                for index, item in enumerate(value):
                    self.write(item, f"{path}[{index}]")
        finally:
            self._depth.discard(marker)

    def write(self, value: Any, path: str) -> None:
        """Appends ``value``'s encoding."""
        if value is None:
            self.out.append(0xC0)
        elif value is True:
            self.out.append(0xC3)
        elif value is False:
            self.out.append(0xC2)
        elif isinstance(value, int):
            self._int(int(value), path)
        elif isinstance(value, float):
            self.out += b"\xcb" + struct.pack(">d", value)
        elif isinstance(value, str):
            self._str(value)
        elif isinstance(value, (list, tuple, dict)):
            self._container(value, path)
        elif isinstance(value, np.ndarray):
            self._ndarray(value, path)
        elif isinstance(value, np.generic):
            self.write(value.item(), path)
        elif isinstance(value, (bytes, bytearray, memoryview)):
            self._bytes(value)
        elif isinstance(value, (set, frozenset)):
            self._marker(_SET_EXTENSION)
            self._container(list(value), path)
        elif isinstance(value, BaseException):
            import traceback

            stack = "".join(traceback.format_exception(type(value), value, value.__traceback__))
            self._marker(_ERROR_EXTENSION)
            self.write([type(value).__name__, str(value), stack, None], path)
        else:
            handle = self.handle_of(value) if self.handle_of is not None else None
            if handle is not None:
                # As in TypeScript: a handle becomes a client only as a node argument.
                raise WireValueError(
                    path,
                    f"is a client of node {handle[0]}, which cannot be passed in a call; pass "
                    "the handle to the node's constructor in the program instead",
                )
            raise WireValueError(
                path,
                f"is a {type(value).__module__}.{type(value).__qualname__} object, which "
                f"cannot cross to another node. Values must be {_SUPPORTED}; turn it into "
                "one of those first",
            )


class Decoder:
    """Reads one value of msgpackr's format from ``data``."""

    def __init__(
        self,
        data: memoryview,
        segment_area: Callable[[int, int, int], Any] | None = None,
        make_handle: Callable[[str, dict], Any] | None = None,
    ) -> None:
        self.data = data
        self.pos = 0
        self.segment_area = segment_area
        self.make_handle = make_handle
        self.structures: dict[int, list[str]] = {}

    def _take(self, count: int) -> memoryview:
        start = self.pos
        end = start + count
        if end > len(self.data):
            raise ValueError("a MessagePack value runs past the end of its frame")
        self.pos = end
        return self.data[start:end]

    def _uint(self, size: int) -> int:
        return int.from_bytes(self._take(size), "big")

    def _array(self, length: int) -> list:
        return [self.read() for _ in range(length)]

    def _map(self, length: int) -> dict:
        result = {}
        for _ in range(length):
            key = self.read()
            if isinstance(key, list):
                key = tuple(key)
            result[key] = self.read()
        return result

    def _str(self, length: int) -> str:
        return str(self._take(length), "utf-8")

    def _record(self, record_id: int) -> dict:
        keys = self.structures[record_id]
        return {key: self.read() for key in keys}

    def _ext(self, kind: int, length: int) -> Any:
        data = self._take(length)
        if kind == _RECORD_EXTENSION:
            record_id = data[0]
            keys = self.read()
            if not isinstance(keys, list):
                raise ValueError("a record definition without its keys")
            self.structures[record_id] = [str(key) for key in keys]
            return self._record(record_id)
        if kind == _UNDEFINED_EXTENSION:
            return None
        if kind == _SEGMENT_EXTENSION:
            if self.segment_area is None:
                raise ValueError("a segment reference outside a frame body")
            index, offset, nbytes = struct.unpack(">Bdd", data)
            return self.segment_area(index, int(offset), int(nbytes))
        if kind == _TYPED_ARRAY_EXTENSION:
            name = _INLINE_NAMES[data[0]]
            return np.frombuffer(data[1:], dtype=_DTYPE_BY_NAME[name])
        if kind == _ERROR_EXTENSION:
            name, message, stack, _cause = self.read()
            return JsError(str(name), str(message), str(stack or ""))
        if kind == _SET_EXTENSION:
            items = self.read()
            try:
                return set(items)
            except TypeError:
                return items
        if kind == _HANDLE_EXTENSION:
            node_id, options = self.read()
            if self.make_handle is None:
                return {"nodeId": node_id, "options": options}
            return self.make_handle(str(node_id), dict(options or {}))
        if kind == _TIMESTAMP_EXTENSION & 0xFF or kind == _TIMESTAMP_EXTENSION:
            return _timestamp(bytes(data))
        raise ValueError(f"a MessagePack extension of type {kind} that Python nodes do not read")

    def read(self) -> Any:
        """The next value."""
        byte = self._take(1)[0]
        if byte < 0x40:
            return byte
        if byte < 0x80:
            if byte in self.structures:
                return self._record(byte)
            return byte
        if byte < 0x90:
            return self._map(byte & 0x0F)
        if byte < 0xA0:
            return self._array(byte & 0x0F)
        if byte < 0xC0:
            return self._str(byte & 0x1F)
        if byte >= 0xE0:
            return byte - 0x100
        return _READERS[byte](self)


def _float64(decoder: Decoder) -> float | int:
    (value,) = struct.unpack(">d", decoder._take(8))
    # msgpackr writes integers beyond 32 bits as float64: such a number was an integer.
    if math.isfinite(value) and value.is_integer() and 2**31 <= abs(value) <= 2**53:
        return int(value)
    return value


def _fixext(size: int) -> Callable[[Decoder], Any]:
    def read(decoder: Decoder) -> Any:
        kind = struct.unpack("b", decoder._take(1))[0]
        return decoder._ext(kind & 0xFF if kind != -1 else -1, size)

    return read


def _ext(size_bytes: int) -> Callable[[Decoder], Any]:
    def read(decoder: Decoder) -> Any:
        length = decoder._uint(size_bytes)
        kind = struct.unpack("b", decoder._take(1))[0]
        return decoder._ext(kind & 0xFF if kind != -1 else -1, length)

    return read


def _signed(size: int) -> Callable[[Decoder], int]:
    return lambda decoder: int.from_bytes(decoder._take(size), "big", signed=True)


def _timestamp(data: bytes) -> datetime.datetime:
    if len(data) == 4:
        seconds, nanos = struct.unpack(">I", data)[0], 0
    elif len(data) == 8:
        value = struct.unpack(">Q", data)[0]
        seconds, nanos = value & 0x3FFFFFFFF, value >> 34
    else:
        nanos, seconds = struct.unpack(">Iq", data)
    return datetime.datetime.fromtimestamp(seconds + nanos / 1e9, datetime.timezone.utc)


_READERS: dict[int, Callable[[Decoder], Any]] = {
    0xC0: lambda decoder: None,
    0xC2: lambda decoder: False,
    0xC3: lambda decoder: True,
    0xC4: lambda decoder: bytes(decoder._take(decoder._uint(1))),
    0xC5: lambda decoder: bytes(decoder._take(decoder._uint(2))),
    0xC6: lambda decoder: bytes(decoder._take(decoder._uint(4))),
    0xC7: _ext(1),
    0xC8: _ext(2),
    0xC9: _ext(4),
    0xCA: lambda decoder: struct.unpack(">f", decoder._take(4))[0],
    0xCB: _float64,
    0xCC: lambda decoder: decoder._uint(1),
    0xCD: lambda decoder: decoder._uint(2),
    0xCE: lambda decoder: decoder._uint(4),
    0xCF: lambda decoder: decoder._uint(8),
    0xD0: _signed(1),
    0xD1: _signed(2),
    0xD2: _signed(4),
    0xD3: _signed(8),
    0xD4: _fixext(1),
    0xD5: _fixext(2),
    0xD6: _fixext(4),
    0xD7: _fixext(8),
    0xD8: _fixext(16),
    0xD9: lambda decoder: decoder._str(decoder._uint(1)),
    0xDA: lambda decoder: decoder._str(decoder._uint(2)),
    0xDB: lambda decoder: decoder._str(decoder._uint(4)),
    0xDC: lambda decoder: decoder._array(decoder._uint(2)),
    0xDD: lambda decoder: decoder._array(decoder._uint(4)),
    0xDE: lambda decoder: decoder._map(decoder._uint(2)),
    0xDF: lambda decoder: decoder._map(decoder._uint(4)),
}


def _invalid(decoder: Decoder) -> Any:
    raise ValueError("a byte that starts no MessagePack value (0xc1)")


_READERS.setdefault(0xC1, _invalid)
