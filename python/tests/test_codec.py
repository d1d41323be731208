"""The codec alone: msgpackr's records, typed arrays, out-of-band segments, errors."""
from __future__ import annotations

import struct
import unittest

import numpy as np

from launchpad_ts.codec import Decoder, Encoder, WireValueError
from launchpad_ts.frames import decode_body, encode_frame


def roundtrip(value):
    data = Encoder().encode(value, "value")
    return Decoder(memoryview(data)).read()


def frame_roundtrip(frame):
    buffers = encode_frame(frame)
    whole = b"".join(bytes(memoryview(buffer)) for buffer in buffers)
    (length,) = struct.unpack(">I", whole[:4])
    assert length == len(whole) - 4
    return decode_body(np.frombuffer(whole[4:], dtype=np.uint8).copy()), whole[4:]


class PlainValues(unittest.TestCase):
    def test_scalars_and_containers_round_trip(self):
        for value in [None, True, False, 0, 63, 64, 127, 255, 65536, 2**32, 2**40, 2**60, -1, -33, -(2**40),
                      1.5, "", "héllo", "x" * 300, b"\x00\x01", [], [1, [2, [3]]], {}, {"a": 1, "b": {"c": [1]}},
                      {1: "one", (1, 2): "pair"}]:
            self.assertEqual(roundtrip(value), value)

    def test_string_keyed_dicts_are_records_others_maps(self):
        self.assertEqual(Encoder().encode({"a": 1}, "v")[:3], b"\xd4\x72\x40")
        self.assertEqual(Encoder().encode({1: 1}, "v")[:1], b"\x81")

    def test_a_record_is_reused_within_one_message(self):
        data = Encoder().encode([{"a": 1}, {"a": 2}], "v")
        self.assertEqual(data.count(b"\xd4\x72"), 1)
        self.assertEqual(roundtrip([{"a": 1}, {"a": 2}, {"b": 3}, {"a": 4}]), [{"a": 1}, {"a": 2}, {"b": 3}, {"a": 4}])

    def test_more_record_shapes_than_ids(self):
        value = [{f"k{i}": i} for i in range(150)] + [{"k0": 0}]
        self.assertEqual(roundtrip(value), value)

    def test_ints_from_0x40_never_look_like_record_ids(self):
        for value in range(0x40, 0x80):
            self.assertEqual(Encoder().encode(value, "v")[:1], b"\xcc")

    def test_an_unknown_object_fails_naming_its_path(self):
        with self.assertRaises(WireValueError) as caught:
            Encoder().encode({"a": [1, object()]}, "args")
        self.assertIn("args.a[1]", str(caught.exception))
        self.assertIn("builtins.object", str(caught.exception))

    def test_a_circular_value_fails(self):
        value: list = []
        value.append(value)
        with self.assertRaises(WireValueError) as caught:
            Encoder().encode(value, "args")
        self.assertIn("circular", str(caught.exception))

    def test_numpy_scalars_become_numbers(self):
        self.assertEqual(roundtrip(np.float32(1.5)), 1.5)
        self.assertEqual(roundtrip(np.int64(7)), 7)


class Arrays(unittest.TestCase):
    DTYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "float32", "float64", "int64", "uint64"]

    def test_every_dtype_inline_and_out_of_band(self):
        for dtype in self.DTYPES:
            for count in (3, 1000):
                array = (np.arange(count) % 100).astype(dtype)
                decoded, _ = frame_roundtrip([4, 1, array])
                self.assertEqual(decoded[2].dtype, np.dtype(dtype))
                np.testing.assert_array_equal(decoded[2], array)

    def test_segments_are_aligned_views_of_the_body(self):
        arrays = [np.arange(101, dtype=np.float64), np.arange(600, dtype=np.uint8), np.arange(257, dtype=np.float32)]
        decoded, body = frame_roundtrip([4, 1, arrays])
        self.assertEqual(body[0], 0xC1)
        for original, got in zip(arrays, decoded[2]):
            np.testing.assert_array_equal(got, original)
            self.assertIsNotNone(got.base)
            self.assertEqual(got.__array_interface__["data"][0] % 8, 0)

    def test_a_multidimensional_array_crosses_flattened(self):
        decoded, _ = frame_roundtrip([4, 1, np.ones((3, 4), dtype=np.float32)])
        self.assertEqual(decoded[2].shape, (12,))

    def test_an_unsupported_dtype_fails_naming_its_path(self):
        with self.assertRaises(WireValueError) as caught:
            encode_frame([4, 1, {"w": np.zeros(3, dtype=np.float16)}], "result")
        self.assertIn("result.w", str(caught.exception))
        self.assertIn("float16", str(caught.exception))

    def test_large_bytes_go_out_of_band_and_come_back_as_bytes(self):
        decoded, body = frame_roundtrip([4, 1, b"\x07" * 2000])
        self.assertEqual(body[0], 0xC1)
        self.assertEqual(decoded[2], b"\x07" * 2000)

    def test_a_reference_outside_the_body_is_refused(self):
        encoder = Encoder()
        encoder.array_head(3)
        for item in (4, 1):
            encoder.write(item, "v")
        encoder._ext(0x53, struct.pack(">Bdd", 8, 0.0, 4096.0))
        part = bytes(encoder.out)
        body = bytes((0xC1, 0, 0, 0)) + struct.pack(">I", len(part)) + part
        with self.assertRaises(ValueError):
            decode_body(np.frombuffer(body, dtype=np.uint8).copy())


if __name__ == "__main__":
    unittest.main()
