import threading
import time
import unittest
from unittest import mock

from fake_bridge import SECRET, FakeBridge

from learngrid_worker import bridge
from learngrid_worker.bridge import AuthenticationError, BridgeClient, BusError


def echo(session, frame):
    session.reply(frame, {"echo": frame["body"]})


class BridgeClientTest(unittest.TestCase):
    def setUp(self):
        self.bridge = self.enterContext(FakeBridge())
        self.bridge.on("test.echo", echo)

    def connected_client(self, secret=SECRET):
        client = BridgeClient("127.0.0.1", self.bridge.port, secret, connect_timeout=2.0)
        self.addCleanup(client.close)
        client.connect()
        return client

    def test_authenticates_with_the_secret_then_gets_replies(self):
        client = self.connected_client()
        self.assertEqual(client.request("test.echo", {"n": 1}), {"echo": {"n": 1}})
        self.assertEqual(self.bridge.auth_pings, 1)
        send = self.bridge.sent_to("test.echo")[0]
        self.assertEqual(send["headers"], {"timeout": 30000})
        self.assertTrue(send["replyAddress"].startswith("py."))

    def test_a_wrong_secret_raises_authentication_error_without_retrying(self):
        with self.assertRaises(AuthenticationError) as raised:
            self.connected_client(secret="wrong")
        self.assertIn("access denied", str(raised.exception))
        self.assertEqual(self.bridge.auth_pings, 1)

    def test_concurrent_requests_answered_out_of_order_reach_their_callers(self):
        held = []

        def answer_all_in_reverse(session, frame):
            held.append(frame)
            if len(held) == 5:
                for request in reversed(held):
                    session.reply(request, {"for": request["body"]["caller"]})

        self.bridge.on("test.batch", answer_all_in_reverse)
        client = self.connected_client()
        replies = {}

        def call(caller):
            replies[caller] = client.request("test.batch", {"caller": caller}, timeout_ms=3000)

        threads = [threading.Thread(target=call, args=(caller,)) for caller in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        self.assertEqual(replies, {caller: {"for": caller} for caller in range(5)})
        self.assertEqual(len({frame["replyAddress"] for frame in held}), 5)

    def test_an_err_reply_raises_bus_error_with_its_code(self):
        self.bridge.on("test.conflict", lambda session, frame: session.fail(frame, 409, "RECIPIENT_FAILURE", "lease lost"))
        client = self.connected_client()
        with self.assertRaises(BusError) as raised:
            client.request("test.conflict", {})
        self.assertEqual((raised.exception.failure_code, raised.exception.failure_type, raised.exception.message),
                         (409, "RECIPIENT_FAILURE", "lease lost"))

    def test_a_blocked_frame_fails_its_request_and_the_unaddressed_err_is_only_logged(self):
        def block(session, frame):
            session.fail(frame, 403, "RECIPIENT_FAILURE", "blocked")
            session.send({"type": "err", "message": "blocked by bridgeEvent handler"})

        self.bridge.on("test.forbidden", block)
        client = self.connected_client()
        with self.assertLogs("learngrid_worker.bridge", "WARNING") as logs:
            with self.assertRaises(BusError) as raised:
                client.request("test.forbidden", {})
            self.assertEqual(client.request("test.echo", {"after": True}), {"echo": {"after": True}})
        self.assertEqual(raised.exception.failure_code, 403)
        self.assertTrue(any("blocked by bridgeEvent handler" in line for line in logs.output))

    def test_a_dropped_connection_fails_the_request_in_flight_then_reconnects(self):
        self.bridge.on("test.hang", lambda session, frame: session.drop())
        client = self.connected_client()
        with self.assertRaises(ConnectionError):
            client.request("test.hang", {}, timeout_ms=3000)
        self.assertTrue(self.bridge.wait_for(lambda: self.bridge.auth_pings == 2))
        self.assertEqual(client.request("test.echo", {"again": 1}), {"echo": {"again": 1}})

    def test_a_request_without_a_reply_times_out_after_its_timeout_and_the_grace(self):
        self.bridge.on("test.silent", lambda session, frame: None)
        client = self.connected_client()
        started = time.monotonic()
        with mock.patch.object(bridge, "DEADLINE_GRACE_SECONDS", 0.2), self.assertRaises(TimeoutError):
            client.request("test.silent", {}, timeout_ms=100)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertEqual(client._pending, {})

    def test_pings_keep_the_connection_alive(self):
        with mock.patch.object(bridge, "PING_INTERVAL_SECONDS", 0.05):
            self.connected_client()
            self.assertTrue(self.bridge.wait_for(
                lambda: any(frame == {"type": "ping"} for frame in self.bridge.frames)))

    def test_close_fails_waiting_requests(self):
        self.bridge.on("test.silent", lambda session, frame: None)
        client = self.connected_client()
        errors = []

        def call():
            try:
                client.request("test.silent", {}, timeout_ms=5000)
            except Exception as e:
                errors.append(e)

        caller = threading.Thread(target=call)
        caller.start()
        self.assertTrue(self.bridge.wait_for(lambda: self.bridge.sent_to("test.silent")))
        client.close()
        caller.join(timeout=5)
        self.assertEqual([type(e) for e in errors], [ConnectionError])


if __name__ == "__main__":
    unittest.main()
