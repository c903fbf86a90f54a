import logging
import threading
import unittest

from fake_bridge import SECRET, FakeBridge

from learngrid_worker import BridgeClient, JobFailure, Worker
from learngrid_worker.worker import CLAIM, FINISH, PROGRESS, RELEASE, RENEW, retry_delay_ms

WAIT_SECONDS = 5.0


def claimed_job(number=1, attempt=1, last_error=None):
    return {"id": f"job-{number}", "ownerId": "teacher-1", "kind": "lesson-plan",
            "input": {"topic": "fractions"}, "attempt": attempt, "maxAttempts": 5,
            "leaseToken": f"lease-{number}", "lastError": last_error}


class FakeJobQueue:
    """The node's job endpoints on a FakeBridge: hands out the given jobs once each."""

    def __init__(self, bridge, jobs):
        self._jobs = list(jobs)
        self._lock = threading.Lock()
        self.finish_failures = {}  # job id -> (code, message) to answer its finish with
        bridge.on(CLAIM, self._claim)
        bridge.on(FINISH, self._finish)
        for address in (RENEW, PROGRESS, RELEASE):
            bridge.on(address, lambda session, frame: session.reply(frame, {}))

    def add(self, job):
        with self._lock:
            self._jobs.append(job)

    def _claim(self, session, frame):
        with self._lock:
            count = frame["body"]["max"]
            handed, self._jobs = self._jobs[:count], self._jobs[count:]
        session.reply(frame, {"jobs": handed})

    def _finish(self, session, frame):
        failure = self.finish_failures.get(frame["body"]["id"])
        if failure:
            session.fail(frame, failure[0], "RECIPIENT_FAILURE", failure[1])
        else:
            session.reply(frame, {"status": "succeeded" if frame["body"]["result"] is not None else "queued"})


class LogSeen(logging.Handler):
    """Sets `seen` once a record containing `text` is logged, so tests can wait on a log line."""

    def __init__(self, logger_name, text):
        super().__init__()
        self.text = text
        self.seen = threading.Event()
        self.logger = logging.getLogger(logger_name)
        self.logger.addHandler(self)
        if self.logger.getEffectiveLevel() > logging.INFO:
            self.previous_level = self.logger.level
            self.logger.setLevel(logging.INFO)
        else:
            self.previous_level = None

    def emit(self, record):
        if self.text in record.getMessage():
            self.seen.set()

    def remove(self):
        self.logger.removeHandler(self)
        if self.previous_level is not None:
            self.logger.setLevel(self.previous_level)


class WorkerTest(unittest.TestCase):
    def setUp(self):
        self.bridge = self.enterContext(FakeBridge())
        self.client = BridgeClient("127.0.0.1", self.bridge.port, SECRET)
        self.client.connect()
        self.addCleanup(self.client.close)

    def start_worker(self, handler, jobs, **options):
        self.queue = FakeJobQueue(self.bridge, jobs)
        options = {"owner": "test-worker", "concurrency": 2, "lease_ms": 300, "poll_ms": 20, **options}
        worker = Worker(self.client, "lesson-plan", handler, **options)
        worker.start()
        self.addCleanup(worker.stop)
        return worker

    def finishes(self):
        self.assertTrue(self.bridge.wait_for(lambda: self.bridge.sent_to(FINISH)), "no finish arrived")
        return [frame["body"] for frame in self.bridge.sent_to(FINISH)]

    def test_claims_with_its_owner_kind_free_slots_and_lease(self):
        self.start_worker(lambda job: {}, [])
        self.assertTrue(self.bridge.wait_for(lambda: self.bridge.sent_to(CLAIM)))
        self.assertEqual(self.bridge.sent_to(CLAIM)[0]["body"],
                         {"owner": "test-worker", "kind": "lesson-plan", "max": 2, "leaseMillis": 300})

    def test_renews_the_lease_while_the_job_runs_then_finishes_with_its_result(self):
        renewed_twice = threading.Event()
        seen_job = []

        def handler(job):
            seen_job.append(job)
            renewed_twice.wait(WAIT_SECONDS)
            return {"lessonPlan": "plan"}

        self.start_worker(handler, [claimed_job(1, attempt=2, last_error="timeout")])
        self.assertTrue(self.bridge.wait_for(lambda: len(self.bridge.sent_to(RENEW)) >= 2))
        renewed_twice.set()
        self.assertEqual(self.finishes(), [{"id": "job-1", "leaseToken": "lease-1", "result": {"lessonPlan": "plan"},
                                            "error": None, "retry": False, "retryAfterMillis": 0}])
        self.assertEqual(self.bridge.sent_to(RENEW)[0]["body"], {"leaseTokens": ["lease-1"], "leaseMillis": 300})
        job = seen_job[0]
        self.assertEqual((job.id, job.attempt, job.max_attempts, job.last_error, job.input),
                         ("job-1", 2, 5, "timeout", {"topic": "fractions"}))
        # While the job ran it took one of the two slots.
        self.assertIn(1, [frame["body"]["max"] for frame in self.bridge.sent_to(CLAIM)])

    def test_a_job_failure_without_retry_finishes_with_retry_false(self):
        def handler(job):
            raise JobFailure("the AI refused the request: bad topic", retry=False)

        self.start_worker(handler, [claimed_job(1, attempt=3)])
        finish = self.finishes()[0]
        self.assertEqual((finish["result"], finish["error"], finish["retry"], finish["retryAfterMillis"]),
                         (None, "the AI refused the request: bad topic", False, 4000))

    def test_an_unexpected_exception_finishes_with_its_message_and_retry(self):
        def handler(job):
            raise RuntimeError("disk full")

        self.start_worker(handler, [claimed_job(1)])
        finish = self.finishes()[0]
        self.assertEqual((finish["error"], finish["retry"], finish["retryAfterMillis"]), ("disk full", True, 1000))

    def test_retry_delay_doubles_up_to_a_minute(self):
        self.assertEqual([retry_delay_ms(attempt) for attempt in (1, 2, 3, 7, 30)], [1000, 2000, 4000, 60000, 60000])

    def test_a_conflict_on_finish_is_swallowed_and_the_worker_goes_on(self):
        handled = []
        self.start_worker(lambda job: handled.append(job.id) or {"ok": True}, [])
        self.queue.finish_failures["job-1"] = (409, "the lease is no longer this claim's")
        conflict_logged = LogSeen("learngrid_worker.worker", "is no longer this worker's")
        self.addCleanup(conflict_logged.remove)
        self.queue.add(claimed_job(1))
        self.assertTrue(conflict_logged.seen.wait(WAIT_SECONDS))
        self.queue.add(claimed_job(2))
        self.assertTrue(self.bridge.wait_for(lambda: len(self.bridge.sent_to(FINISH)) == 2))
        self.assertEqual(handled, ["job-1", "job-2"])
        # One finish each: a conflict is final, not something to resend.
        self.assertEqual([frame["body"]["id"] for frame in self.bridge.sent_to(FINISH)], ["job-1", "job-2"])

    def test_stop_releases_running_jobs_and_drops_their_outcomes(self):
        started, may_return = threading.Event(), threading.Event()

        def handler(job):
            started.set()
            may_return.wait(WAIT_SECONDS)
            return {"late": True}

        worker = self.start_worker(handler, [claimed_job(1)])
        self.assertTrue(started.wait(WAIT_SECONDS))
        dropped = LogSeen("learngrid_worker.worker", "was released while running")
        self.addCleanup(dropped.remove)
        worker.stop()
        self.assertEqual([frame["body"] for frame in self.bridge.sent_to(RELEASE)], [{"leaseTokens": ["lease-1"]}])
        claims_at_stop = len(self.bridge.sent_to(CLAIM))
        may_return.set()
        self.assertTrue(dropped.seen.wait(WAIT_SECONDS))
        self.assertEqual(self.bridge.sent_to(FINISH), [])
        self.assertEqual(len(self.bridge.sent_to(CLAIM)), claims_at_stop)

    def test_report_progress_sends_done_and_total(self):
        def handler(job):
            return {"recorded": job.report_progress(3, 10)}

        self.start_worker(handler, [claimed_job(1)])
        self.assertEqual(self.finishes()[0]["result"], {"recorded": True})
        self.assertEqual([frame["body"] for frame in self.bridge.sent_to(PROGRESS)],
                         [{"id": "job-1", "leaseToken": "lease-1", "done": 3, "total": 10}])


if __name__ == "__main__":
    unittest.main()
