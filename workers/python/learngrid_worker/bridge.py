"""A client of a learngrid node's TCP event-bus bridge: authenticated, concurrent, self-reconnecting.

One reader thread owns the socket's input and hands each reply to the request waiting for its
reply address; writers share the socket under a lock. When the connection drops, the reader
thread itself reconnects (with backoff) so callers never have to.
"""

import logging
import socket
import ssl
import threading
import time
import uuid

from .errors import AuthenticationError, BusError, ProtocolError
from .frames import FrameReader, encode

__all__ = ["BridgeClient", "AuthenticationError", "BusError", "ProtocolError"]

log = logging.getLogger(__name__)

# The node closes connections it has not heard from for 60 s.
PING_INTERVAL_SECONDS = 20.0
# The node answers every ping, so this long without a single frame means a half-open connection.
READ_IDLE_LIMIT_SECONDS = 70.0
# The node gives up on a request after its timeout header; the grace covers the trip back.
DEADLINE_GRACE_SECONDS = 5.0
BACKOFF_FIRST_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 5.0

_RECEIVE_CHUNK_BYTES = 64 * 1024
_PING = encode({"type": "ping"})


class _Connection:
    """One authenticated socket, with the frames that arrived in the same reads as the pong."""

    def __init__(self, sock, reader, frames_after_pong):
        self.sock = sock
        self.reader = reader
        self.frames_after_pong = frames_after_pong

    def close(self):
        # shutdown() first: it wakes a reader blocked in recv(), which close() alone does not.
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class _PendingReply:
    def __init__(self):
        self.done = threading.Event()
        self.body = None
        self.error = None

    def resolve(self, body):
        self.body = body
        self.done.set()

    def fail(self, error):
        self.error = error
        self.done.set()

    def outcome(self):
        if self.error is not None:
            raise self.error
        return self.body


class BridgeClient:
    """Sends requests to a learngrid node over its TCP event-bus bridge.

    Thread-safe: any number of threads may call request() at once.
    """

    def __init__(self, host, port, secret, *, tls=False, ca_file=None, connect_timeout=5.0):
        self._host = host
        self._port = port
        self._secret = secret
        self._tls_context = ssl.create_default_context(cafile=ca_file) if tls else None
        self._connect_timeout = connect_timeout
        # Guards _connection, _pending and _started; waited on by requests while reconnecting.
        self._state = threading.Condition()
        self._write_lock = threading.Lock()
        self._connection = None
        self._pending = {}
        self._started = False
        self._closed = threading.Event()
        self._threads = []

    def __repr__(self):
        return f"BridgeClient({self._host}:{self._port}, tls={self._tls_context is not None})"

    def __enter__(self):
        self.connect()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def connect(self):
        """Opens and authenticates the first connection; raises if that fails.

        Only this first attempt is the caller's to handle: after it, lost connections are
        re-established in the background.
        """
        with self._state:
            if self._closed.is_set():
                raise ConnectionError("the client is closed")
            if self._started:
                return
        connection = self._open_connection()
        with self._state:
            self._connection = connection
            self._started = True
        log.info("connected to the node's bridge at %s:%d", self._host, self._port)
        for target, name in ((self._read_loop, "reader"), (self._ping_loop, "pinger")):
            thread = threading.Thread(target=target, name=f"learngrid-bridge-{name}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def request(self, address, body, timeout_ms=30000):
        """Sends body to address and returns the reply's body.

        Raises BusError when the node answers with an error, ConnectionError when the connection
        drops before the reply, and TimeoutError after timeout_ms plus a grace period (which
        includes any time spent waiting for a reconnect).
        """
        reply_address = "py." + uuid.uuid4().hex
        frame = encode({
            "type": "send",
            "address": address,
            "replyAddress": reply_address,
            "headers": {"timeout": timeout_ms},
            "body": body,
        })
        deadline = time.monotonic() + timeout_ms / 1000 + DEADLINE_GRACE_SECONDS
        pending = _PendingReply()
        with self._state:
            if not self._started:
                raise ConnectionError("not connected: call connect() first")
            while self._connection is None and not self._closed.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no connection to the node in time to send to {address}")
                self._state.wait(remaining)
            if self._closed.is_set():
                raise ConnectionError("the client is closed")
            connection = self._connection
            # Registered under the same lock a drop takes, so a drop always sees and fails it.
            self._pending[reply_address] = pending
        try:
            self._send(connection, frame)
        except OSError as e:
            self._forget(reply_address)
            raise ConnectionError(f"sending to {address} failed: {e}") from e
        if not pending.done.wait(max(0.0, deadline - time.monotonic())):
            self._forget(reply_address)
            raise TimeoutError(f"no reply from {address} within {timeout_ms} ms")
        return pending.outcome()

    def close(self):
        """Closes the connection for good; requests still waiting fail with ConnectionError."""
        with self._state:
            if self._closed.is_set():
                return
            self._closed.set()
            connection, self._connection = self._connection, None
            pending, self._pending = self._pending, {}
            self._state.notify_all()
        if connection is not None:
            connection.close()
        for waiting in pending.values():
            waiting.fail(ConnectionError("the client was closed"))
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=self._connect_timeout + 1)
        if self._started:
            log.info("closed the connection to the node's bridge")

    # --- connection life cycle ---

    def _open_connection(self):
        sock = socket.create_connection((self._host, self._port), timeout=self._connect_timeout)
        try:
            if self._tls_context is not None:
                sock = self._tls_context.wrap_socket(sock, server_hostname=self._host)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = FrameReader()
            sock.sendall(encode({"type": "ping", "headers": {"secret": self._secret}}))
            frames_after_pong = self._await_pong(sock, reader)
            sock.settimeout(READ_IDLE_LIMIT_SECONDS)
            return _Connection(sock, reader, frames_after_pong)
        except BaseException:
            sock.close()
            raise

    @staticmethod
    def _await_pong(sock, reader):
        while True:
            chunk = sock.recv(_RECEIVE_CHUNK_BYTES)
            if not chunk:
                raise ConnectionError("the node closed the connection during authentication")
            frames = reader.feed(chunk)
            for index, frame in enumerate(frames):
                kind = frame.get("type")
                if kind == "pong":
                    return frames[index + 1:]
                if kind == "err" and "address" not in frame:
                    raise AuthenticationError(frame.get("message") or "the node refused the bridge secret")
                log.debug("ignoring a %s frame that arrived before authentication", kind)

    def _read_loop(self):
        connection = self._connection
        while connection is not None:
            reason = self._read_until_dropped(connection)
            self._drop(connection, reason)
            connection = self._reconnect()

    def _read_until_dropped(self, connection):
        """Dispatches frames until the connection fails; returns why it did."""
        try:
            for frame in connection.frames_after_pong:
                self._dispatch(frame)
            while True:
                try:
                    chunk = connection.sock.recv(_RECEIVE_CHUNK_BYTES)
                except socket.timeout:
                    return f"nothing heard from the node for {READ_IDLE_LIMIT_SECONDS:.0f} s"
                if not chunk:
                    return "the node closed the connection"
                for frame in connection.reader.feed(chunk):
                    self._dispatch(frame)
        except (OSError, ProtocolError) as e:
            return str(e) or type(e).__name__

    def _drop(self, connection, reason):
        with self._state:
            if self._connection is connection:
                self._connection = None
            # Only one connection exists at a time, so everything pending was sent on this one.
            pending, self._pending = self._pending, {}
        connection.close()
        if self._closed.is_set():
            return
        log.warning("lost the connection to the node's bridge (%s); %d requests in flight fail",
                    reason, len(pending))
        for waiting in pending.values():
            waiting.fail(ConnectionError(f"the connection to the node dropped: {reason}"))

    def _reconnect(self):
        """Opens a new connection with backoff; returns it, or None once the client is closed."""
        delay = BACKOFF_FIRST_SECONDS
        while not self._closed.wait(delay):
            try:
                connection = self._open_connection()
            except AuthenticationError as e:
                log.error("authentication failed on reconnecting: the node refused the bridge secret (%s); "
                          "next try in %.1f s", e, delay)
            except (OSError, ProtocolError) as e:
                log.warning("reconnecting to %s:%d failed: %s; next try in %.1f s", self._host, self._port, e, delay)
            else:
                with self._state:
                    if not self._closed.is_set():
                        self._connection = connection
                        self._state.notify_all()
                        log.info("reconnected to the node's bridge at %s:%d", self._host, self._port)
                        return connection
                connection.close()
                return None
            delay = min(delay * 2, BACKOFF_MAX_SECONDS)
        return None

    # --- frames ---

    def _send(self, connection, frame):
        with self._write_lock:
            try:
                connection.sock.sendall(frame)
            except OSError:
                # A partial write leaves the stream out of step; make the reader reconnect.
                connection.close()
                raise

    def _forget(self, reply_address):
        with self._state:
            self._pending.pop(reply_address, None)

    def _dispatch(self, frame):
        kind = frame.get("type")
        address = frame.get("address")
        if kind in ("message", "err") and isinstance(address, str):
            with self._state:
                pending = self._pending.pop(address, None)
            if pending is None:
                log.debug("ignoring a %s frame for %s: nobody waits for it", kind, address)
            elif kind == "message":
                body = frame.get("body")
                pending.resolve({} if body is None else body)
            else:
                pending.fail(BusError(frame.get("failureCode"), frame.get("failureType"), frame.get("message")))
        elif kind == "err":
            # The node sends these next to the addressed err when it blocks a frame, so the
            # request itself still fails through its reply address; nothing more to do here.
            log.warning("the node reported an error: %s", frame.get("message"))
        elif kind != "pong":
            log.debug("ignoring a %s frame", kind)

    def _ping_loop(self):
        # The interval is read on every round so tests can shorten it.
        while not self._closed.wait(PING_INTERVAL_SECONDS):
            with self._state:
                connection = self._connection
            if connection is None:
                continue
            try:
                self._send(connection, _PING)
            except OSError as e:
                log.debug("a keep-alive ping failed: %s", e)
