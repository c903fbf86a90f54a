"""A scripted stand-in for a learngrid node's TCP event-bus bridge, on 127.0.0.1.

Tests register a handler per address; the fake records every frame so tests can wait for what
the client sent instead of sleeping.
"""

import logging
import socket
import socketserver
import threading

from learngrid_worker.frames import FrameReader, encode

# Keeps the library's expected warnings out of the test output; assertLogs still sees them.
logging.getLogger("learngrid_worker").addHandler(logging.NullHandler())

SECRET = "test-secret"
WAIT_SECONDS = 5.0


class Session:
    """One client connection as the fake sees it."""

    def __init__(self, sock, bridge):
        self.sock = sock
        self.bridge = bridge
        self.authenticated = False
        self._write_lock = threading.Lock()

    def send(self, frame):
        with self._write_lock:
            try:
                self.sock.sendall(encode(frame))
            except OSError:
                pass

    def reply(self, request, body):
        self.send({"type": "message", "address": request["replyAddress"], "body": body})

    def fail(self, request, code, failure_type, message):
        self.send({"type": "err", "address": request["replyAddress"], "failureCode": code,
                   "failureType": failure_type, "message": message})

    def drop(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class FakeBridge:
    def __init__(self, secret=SECRET):
        self.secret = secret
        self.handlers = {}
        self.frames = []  # every frame received after authentication
        self.auth_pings = 0
        self.condition = threading.Condition()
        self._sessions = []
        bridge = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                bridge._serve(Session(self.request, bridge))

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        with self.condition:
            sessions = list(self._sessions)
        for session in sessions:
            session.drop()

    def on(self, address, handler):
        """handler(session, frame) answers (or not) a send frame to address."""
        self.handlers[address] = handler

    def wait_for(self, predicate, timeout=WAIT_SECONDS):
        """Waits until predicate() holds; returns whether it did in time."""
        with self.condition:
            return self.condition.wait_for(predicate, timeout)

    def sent_to(self, address):
        with self.condition:
            return [frame for frame in self.frames if frame.get("address") == address]

    def _serve(self, session):
        with self.condition:
            self._sessions.append(session)
        reader = FrameReader()
        try:
            while True:
                chunk = session.sock.recv(65536)
                if not chunk:
                    return
                for frame in reader.feed(chunk):
                    if not self._receive(session, frame):
                        return
        except OSError:
            return

    def _receive(self, session, frame):
        """Returns False once the connection should end."""
        if not session.authenticated:
            with self.condition:
                self.auth_pings += frame.get("type") == "ping" and "headers" in frame
                self.condition.notify_all()
            if frame.get("type") == "ping" and frame.get("headers", {}).get("secret") == self.secret:
                session.authenticated = True
                session.send({"type": "pong"})
                return True
            session.send({"type": "err", "message": "access denied"})
            session.drop()
            return False
        with self.condition:
            self.frames.append(frame)
            self.condition.notify_all()
        if frame.get("type") == "ping":
            session.send({"type": "pong"})
        elif frame.get("type") == "send":
            handler = self.handlers.get(frame["address"])
            if handler is None:
                session.fail(frame, -1, "NO_HANDLERS", f"no handlers for {frame['address']}")
            else:
                handler(session, frame)
        return True
