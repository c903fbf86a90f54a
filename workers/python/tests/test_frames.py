import struct
import unittest

from learngrid_worker.errors import ProtocolError
from learngrid_worker.frames import MAX_RECEIVED_FRAME_BYTES, MAX_SENT_FRAME_BYTES, FrameReader, encode


class FramesTest(unittest.TestCase):
    def test_round_trip_keeps_the_object_and_prefixes_its_length(self):
        frame = {"type": "send", "address": "a.b", "body": {"text": "Grüße ✓", "n": [1, 2.5, None]}}
        data = encode(frame)
        self.assertEqual(struct.unpack(">I", data[:4])[0], len(data) - 4)
        self.assertEqual(FrameReader().feed(data), [frame])

    def test_a_frame_split_byte_by_byte_comes_out_once_complete(self):
        data = encode({"type": "pong"})
        reader = FrameReader()
        decoded = [reader.feed(data[i:i + 1]) for i in range(len(data))]
        self.assertEqual(decoded[:-1], [[]] * (len(data) - 1))
        self.assertEqual(decoded[-1], [{"type": "pong"}])

    def test_several_frames_in_one_chunk_with_the_next_one_cut(self):
        first, second, third = ({"type": "message", "address": f"r{i}", "body": {"i": i}} for i in range(3))
        data = encode(first) + encode(second) + encode(third)
        reader = FrameReader()
        self.assertEqual(reader.feed(data[:-3]), [first, second])
        self.assertEqual(reader.feed(data[-3:]), [third])

    def test_a_length_over_the_limit_is_refused_before_its_payload_arrives(self):
        with self.assertRaises(ProtocolError):
            FrameReader().feed(struct.pack(">I", MAX_RECEIVED_FRAME_BYTES + 1))

    def test_bad_json_and_non_objects_are_protocol_errors(self):
        for payload in (b"{not json", b"[1, 2]", b"\xff\xfe"):
            with self.subTest(payload=payload), self.assertRaises(ProtocolError):
                FrameReader().feed(struct.pack(">I", len(payload)) + payload)

    def test_encoding_a_frame_over_one_mebibyte_raises_value_error(self):
        with self.assertRaises(ValueError):
            encode({"body": "x" * MAX_SENT_FRAME_BYTES})


if __name__ == "__main__":
    unittest.main()
