"""Framing of the Vert.x TCP event-bus bridge: a 4-byte big-endian length, then that many bytes of JSON."""

import json
import struct

from .errors import ProtocolError

MAX_SENT_FRAME_BYTES = 1024 * 1024
# Far above anything the node sends; a bigger length means the stream is out of step, not a big reply.
MAX_RECEIVED_FRAME_BYTES = 16 * 1024 * 1024

_LENGTH = struct.Struct(">I")


def encode(obj):
    """The frame for one JSON object, length prefix included."""
    payload = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if len(payload) > MAX_SENT_FRAME_BYTES:
        raise ValueError(f"a frame of {len(payload)} bytes is over the limit of {MAX_SENT_FRAME_BYTES}")
    return _LENGTH.pack(len(payload)) + payload


class FrameReader:
    """Turns the byte chunks of a stream, cut anywhere, back into frames."""

    def __init__(self):
        self._buffer = bytearray()

    def feed(self, chunk):
        """Adds a chunk and returns the frames it completed (possibly none), in order."""
        self._buffer += chunk
        frames = []
        while len(self._buffer) >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self._buffer)
            # Checked before the payload arrives, so a corrupt length cannot make us buffer 4 GiB.
            if length > MAX_RECEIVED_FRAME_BYTES:
                raise ProtocolError(f"a frame of {length} bytes is over the limit of {MAX_RECEIVED_FRAME_BYTES}")
            end = _LENGTH.size + length
            if len(self._buffer) < end:
                break
            payload = bytes(self._buffer[_LENGTH.size:end])
            del self._buffer[:end]
            frames.append(_decode(payload))
        return frames


def _decode(payload):
    try:
        frame = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProtocolError(f"a frame is not UTF-8 JSON: {e}") from None
    if not isinstance(frame, dict):
        raise ProtocolError(f"a frame is a JSON {type(frame).__name__}, not an object")
    return frame
