"""A worker that claims durable jobs of one kind from learngrid and runs them with a handler.

The node owns the job's state; the worker only holds leases. Everything here is built so that a
worker dying at any point loses nothing: an unrenewed lease expires and the job is claimed again.
"""

import logging
import os
import queue
import signal
import socket
import threading

from .errors import BusError, JobFailure

__all__ = ["Worker", "Job", "JobFailure", "retry_delay_ms"]

log = logging.getLogger(__name__)

CLAIM = "learngrid.jobs.claim"
RENEW = "learngrid.jobs.renew"
FINISH = "learngrid.jobs.finish"
PROGRESS = "learngrid.jobs.progress"
RELEASE = "learngrid.jobs.release"

# Shorter than the bridge default so stop() is never held up long by a claim in flight.
REQUEST_TIMEOUT_MS = 10000
# A finish lost to a dropped connection is worth resending: a duplicate only earns a 409.
FINISH_ATTEMPTS = 3
CONFLICT = 409


def retry_delay_ms(attempt):
    """How long a failed attempt waits before the next: doubling from 1 s, at most a minute."""
    return min(60000, 1000 * 2 ** max(0, attempt - 1))


def default_owner():
    return f"python-{socket.gethostname()}-{os.getpid()}"


class Job:
    """One claimed attempt of a job, as the handler sees it."""

    def __init__(self, claimed, report_progress):
        self.id = claimed["id"]
        self.lease_token = claimed["leaseToken"]
        self.kind = claimed["kind"]
        self.owner_id = claimed.get("ownerId")
        self.input = claimed.get("input") or {}
        self.attempt = int(claimed.get("attempt", 1))
        self.max_attempts = int(claimed.get("maxAttempts", 1))
        self.last_error = claimed.get("lastError")
        self._report_progress = report_progress

    def __repr__(self):
        return f"Job({self.id}, {self.kind}, attempt {self.attempt} of {self.max_attempts})"

    def report_progress(self, done, total):
        """Shows how far this attempt has come; False when it was not recorded (never raises).

        Progress is advisory, so a lost update must not fail the job.
        """
        return self._report_progress(self, done, total)


class Worker:
    """Runs up to `concurrency` jobs of `kind` at once through `handler(job) -> dict`."""

    def __init__(self, client, kind, handler, *, owner=None, concurrency=2, lease_ms=30000, poll_ms=500):
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if lease_ms <= 0 or poll_ms < 0:
            raise ValueError("lease_ms must be positive and poll_ms not negative")
        self._client = client
        self._kind = kind
        self._handler = handler
        self.owner = owner or default_owner()
        self._concurrency = concurrency
        self._lease_ms = lease_ms
        self._poll_seconds = poll_ms / 1000
        # Guards _running; taken together with the _stopping check so a job is either released by
        # stop() or by the claim that raced it, never by both or neither.
        self._lock = threading.Lock()
        self._running = {}  # lease token -> Job
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._job_queue = queue.SimpleQueue()
        self._claim_thread = None
        self._threads = []

    # --- life cycle ---

    def start(self):
        """Starts claiming in background threads and returns at once."""
        if self._claim_thread is not None:
            raise RuntimeError("the worker was already started")
        log.info("worker %s takes %s jobs, %d at a time", self.owner, self._kind, self._concurrency)
        self._claim_thread = self._spawn(self._claim_loop, "claimer")
        self._spawn(self._renew_loop, "renewer")
        # Daemon threads, not a ThreadPoolExecutor: after stop() has released its jobs, a handler
        # still stuck in a slow call must not keep the process from exiting.
        for number in range(self._concurrency):
            self._spawn(self._job_loop, f"job-{number + 1}")

    def stop(self):
        """Stops claiming and hands the jobs still running back to the node, so they run elsewhere now
        instead of after their leases expire. Their handlers' outcomes are dropped."""
        with self._lock:
            if self._stopping.is_set():
                return
            self._stopping.set()
            released = list(self._running.values())
            self._running.clear()
        self._wake.set()
        self._release(released)
        for _ in range(self._concurrency):
            self._job_queue.put(None)
        if self._claim_thread is not None and self._claim_thread is not threading.current_thread():
            self._claim_thread.join(timeout=REQUEST_TIMEOUT_MS / 1000 + 6)
        self._stopped.set()
        log.info("worker %s stopped", self.owner)

    def run_forever(self):
        """Runs until SIGTERM or SIGINT (or a stop() from another thread); call from the main thread."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            # A timed wait keeps the main thread responsive to signals on every platform.
            while not self._stopped.wait(0.5):
                pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum, _frame):
        log.info("received %s; stopping", signal.Signals(signum).name)
        self.stop()

    def _spawn(self, target, name):
        thread = threading.Thread(target=target, name=f"learngrid-worker-{name}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread

    # --- claiming ---

    def _claim_loop(self):
        while not self._stopping.is_set():
            # Cleared before looking at the free slots, so a job ending meanwhile still wakes us.
            self._wake.clear()
            with self._lock:
                free = self._concurrency - len(self._running)
            if free > 0 and self._claim(free):
                continue
            self._wake.wait(self._poll_seconds)

    def _claim(self, free):
        """Claims up to `free` jobs and queues them; returns how many it queued."""
        body = {"owner": self.owner, "kind": self._kind, "max": free, "leaseMillis": self._lease_ms}
        try:
            reply = self._client.request(CLAIM, body, timeout_ms=REQUEST_TIMEOUT_MS)
        except (BusError, OSError) as e:
            log.warning("claiming %s jobs failed: %s", self._kind, e)
            return 0
        queued, too_late = 0, []
        for claimed in reply.get("jobs") or []:
            try:
                job = Job(claimed, self._report_progress)
            except (KeyError, TypeError, ValueError) as e:
                log.error("ignoring a malformed claimed job %r: %s", claimed, e)
                continue
            with self._lock:
                if self._stopping.is_set():
                    too_late.append(job)
                    continue
                self._running[job.lease_token] = job
            log.info("claimed %r", job)
            self._job_queue.put(job)
            queued += 1
        self._release(too_late)
        return queued

    # --- running ---

    def _job_loop(self):
        while (job := self._job_queue.get()) is not None:
            self._run(job)

    def _run(self, job):
        with self._lock:
            released_while_queued = job.lease_token not in self._running
        if released_while_queued:
            return
        outcome = self._outcome_of(job)
        with self._lock:
            still_ours = self._running.pop(job.lease_token, None) is not None
        self._wake.set()
        if not still_ours:
            log.info("%r was released while running; its outcome is dropped", job)
            return
        self._finish(job, outcome)

    def _outcome_of(self, job):
        """The handler's verdict as the fields of a finish request."""
        try:
            result = self._handler(job)
            if not isinstance(result, dict):
                raise TypeError(f"the handler returned a {type(result).__name__}, not a dict")
            return {"result": result, "error": None, "retry": False, "retryAfterMillis": 0}
        except JobFailure as failure:
            log.warning("%r failed (retry: %s): %s", job, failure.retry, failure.message)
            error, retry = failure.message, failure.retry
        except Exception as e:
            # An unexpected exception may well be transient, so it keeps the job's remaining attempts.
            log.exception("%r failed with an unexpected exception", job)
            error, retry = str(e) or type(e).__name__, True
        return {"result": None, "error": error, "retry": retry, "retryAfterMillis": retry_delay_ms(job.attempt)}

    def _finish(self, job, outcome):
        body = {"id": job.id, "leaseToken": job.lease_token, **outcome}
        for attempt in range(1, FINISH_ATTEMPTS + 1):
            try:
                reply = self._client.request(FINISH, body, timeout_ms=REQUEST_TIMEOUT_MS)
            except BusError as e:
                if e.failure_code == CONFLICT:
                    log.warning("%r is no longer this worker's (%s); its outcome is dropped", job, e.message)
                else:
                    log.error("finishing %r failed: %s; its lease will expire and it runs again", job, e)
                return
            except ConnectionError as e:
                log.warning("finishing %r failed on try %d of %d: %s", job, attempt, FINISH_ATTEMPTS, e)
                continue
            except OSError as e:
                log.error("finishing %r failed: %s; its lease will expire and it runs again", job, e)
                return
            log.info("finished %r: %s", job, reply.get("status"))
            return
        log.error("gave up finishing %r; its lease will expire and it runs again", job)

    # --- leases ---

    def _renew_loop(self):
        # A third of the lease: one lost renew still leaves time for the next before expiry.
        interval = self._lease_ms / 3000
        while not self._stopping.wait(interval):
            with self._lock:
                tokens = list(self._running)
            if not tokens:
                continue
            try:
                self._client.request(RENEW, {"leaseTokens": tokens, "leaseMillis": self._lease_ms},
                                     timeout_ms=REQUEST_TIMEOUT_MS)
            except (BusError, OSError) as e:
                log.warning("renewing the leases of %d jobs failed: %s", len(tokens), e)

    def _release(self, jobs):
        if not jobs:
            return
        tokens = [job.lease_token for job in jobs]
        try:
            self._client.request(RELEASE, {"leaseTokens": tokens}, timeout_ms=REQUEST_TIMEOUT_MS)
        except (BusError, OSError) as e:
            log.error("releasing %d jobs failed: %s; they run again once their leases expire", len(jobs), e)
            return
        log.info("released %d jobs: %s", len(jobs), ", ".join(job.id for job in jobs))

    def _report_progress(self, job, done, total):
        with self._lock:
            if job.lease_token not in self._running:
                return False
        body = {"id": job.id, "leaseToken": job.lease_token, "done": done, "total": total}
        try:
            self._client.request(PROGRESS, body, timeout_ms=REQUEST_TIMEOUT_MS)
        except BusError as e:
            if e.failure_code == CONFLICT:
                log.warning("%r is no longer this worker's; its progress is dropped", job)
            else:
                log.warning("reporting the progress of %r failed: %s", job, e)
            return False
        except OSError as e:
            log.warning("reporting the progress of %r failed: %s", job, e)
            return False
        return True
