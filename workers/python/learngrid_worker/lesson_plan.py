"""The example worker: writes lesson plans (jobs of kind lesson-plan) with an OpenAI-compatible API.

Run it with `python -m learngrid_worker.lesson_plan` (or `python -m learngrid_worker`); it is
configured through the environment, see load_settings().
"""

import logging
import os
import socket
import sys
import time
from dataclasses import dataclass

import openai

from .bridge import BACKOFF_FIRST_SECONDS, BACKOFF_MAX_SECONDS, BridgeClient
from .errors import AuthenticationError, JobFailure, ProtocolError
from .worker import Worker

# Named explicitly: run with -m, __name__ would be "__main__".
log = logging.getLogger("learngrid_worker.lesson_plan")

KIND = "lesson-plan"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# What a bad configuration exits with, distinct from a crash (1).
EXIT_MISCONFIGURED = 2

SYSTEM_PROMPT = (
    "You are an experienced teacher. Write clear, practical lesson plans: objectives, materials, "
    "a timed sequence of activities that fills the lesson, and how learning is checked at the end."
)


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    bridge_host: str
    bridge_port: int
    bridge_secret: str
    bridge_tls: bool
    bridge_ca: str | None
    ai_url: str
    ai_api_key: str
    ai_model: str
    concurrency: int
    lease_ms: int
    poll_ms: int
    worker_id: str

    def __repr__(self):
        # Settings end up in tracebacks and debug output; the secret and the key must not.
        return f"Settings(bridge={self.bridge_host}:{self.bridge_port}, ai={self.ai_url}, model={self.ai_model})"


def load_settings(env=None):
    env = os.environ if env is None else env
    ca_file = env.get("LEARNGRID_BRIDGE_CA") or None
    if ca_file is not None and not os.path.isfile(ca_file):
        raise SettingsError(f"LEARNGRID_BRIDGE_CA is not a readable file: {ca_file}")
    ai_url = _required(env, "LEARNGRID_AI_URL")
    if not ai_url.startswith(("http://", "https://")):
        raise SettingsError(f"LEARNGRID_AI_URL must be an http:// or https:// URL, not {ai_url!r}")
    return Settings(
        bridge_host=env.get("LEARNGRID_BRIDGE_HOST") or "127.0.0.1",
        bridge_port=_integer(env, "LEARNGRID_BRIDGE_PORT", None, 1, 65535),
        bridge_secret=_required(env, "LEARNGRID_BRIDGE_SECRET"),
        bridge_tls=_boolean(env, "LEARNGRID_BRIDGE_TLS", False),
        bridge_ca=ca_file,
        ai_url=ai_url.rstrip("/"),
        ai_api_key=env.get("LEARNGRID_AI_API_KEY") or "not-needed",
        ai_model=env.get("LEARNGRID_AI_MODEL") or "learngrid-sim",
        concurrency=_integer(env, "LEARNGRID_WORKER_CONCURRENCY", 2, 1, 1000),
        lease_ms=_integer(env, "LEARNGRID_WORKER_LEASE_MS", 30000, 1000, 3_600_000),
        poll_ms=_integer(env, "LEARNGRID_WORKER_POLL_MS", 500, 10, 600_000),
        worker_id=env.get("LEARNGRID_WORKER_ID") or f"python-{socket.gethostname()}-{os.getpid()}",
    )


def _required(env, name):
    value = env.get(name)
    if not value:
        raise SettingsError(f"{name} is not set")
    return value


def _integer(env, name, default, minimum, maximum):
    raw = env.get(name)
    if not raw:
        if default is None:
            raise SettingsError(f"{name} is not set")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


def _boolean(env, name, default):
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("true", "false"):
        return raw == "true"
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def build_messages(job):
    """The chat messages for a job; a retry is told why the previous attempt failed."""
    topic, grade_level, duration_minutes = _lesson_input(job.input)
    user = f"Write a lesson plan of {duration_minutes} minutes for grade level {grade_level} on: {topic}"
    if job.attempt > 1 and job.last_error:
        user += f"\n\nThis is attempt {job.attempt}; the previous one failed: {job.last_error}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def _lesson_input(job_input):
    # The node validates the input; this only guards against a node and worker out of step,
    # where another attempt would fail the same way.
    topic = job_input.get("topic")
    grade_level = job_input.get("gradeLevel")
    duration_minutes = job_input.get("durationMinutes")
    if not isinstance(topic, str) or not topic.strip():
        raise JobFailure("the job's input has no topic", retry=False)
    if not isinstance(grade_level, str) or not grade_level.strip():
        raise JobFailure("the job's input has no gradeLevel", retry=False)
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or duration_minutes <= 0:
        raise JobFailure("the job's input has no positive whole durationMinutes", retry=False)
    return topic, grade_level, duration_minutes


def make_handler(ai_client, model):
    """The job handler, around an openai.OpenAI client."""

    def write_lesson_plan(job):
        messages = build_messages(job)
        try:
            response = ai_client.chat.completions.create(model=model, messages=messages)
        except openai.APIStatusError as e:
            # 408 and 429 are the upstream being busy, not the request being wrong.
            if 400 <= e.status_code < 500 and e.status_code not in (408, 429):
                raise JobFailure(f"the AI refused the request: {e.message}", retry=False) from e
            raise JobFailure(f"the AI upstream is unavailable: {e}", retry=True) from e
        except openai.OpenAIError as e:
            raise JobFailure(f"the AI upstream is unavailable: {e}", retry=True) from e
        content = response.choices[0].message.content if response.choices else None
        if not content or not content.strip():
            raise JobFailure("the AI's reply was unusable: the reply is empty", retry=True)
        return {"lessonPlan": content.strip()}

    return write_lesson_plan


def connect_first_time(client):
    """Connects, waiting out a node that is not up yet; False when the node refuses the secret."""
    delay = BACKOFF_FIRST_SECONDS
    while True:
        try:
            client.connect()
            return True
        except AuthenticationError as e:
            log.error("authentication failed: the node refused the bridge secret (%s); exiting", e)
            return False
        except (OSError, ProtocolError) as e:
            log.warning("cannot reach the node's bridge yet (%s); next try in %.1f s", e, delay)
        time.sleep(delay)
        delay = min(delay * 2, BACKOFF_MAX_SECONDS)


def main(env=None):
    try:
        settings = load_settings(env)
    except SettingsError as e:
        print(f"learngrid-worker: {e}", file=sys.stderr)
        return EXIT_MISCONFIGURED
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    ai_client = openai.OpenAI(base_url=settings.ai_url + "/v1", api_key=settings.ai_api_key,
                              max_retries=2, timeout=60)
    client = BridgeClient(settings.bridge_host, settings.bridge_port, settings.bridge_secret,
                          tls=settings.bridge_tls, ca_file=settings.bridge_ca)
    try:
        if not connect_first_time(client):
            return EXIT_MISCONFIGURED
        worker = Worker(client, KIND, make_handler(ai_client, settings.ai_model), owner=settings.worker_id,
                        concurrency=settings.concurrency, lease_ms=settings.lease_ms, poll_ms=settings.poll_ms)
        worker.run_forever()
        return 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
