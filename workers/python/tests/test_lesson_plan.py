"""The example worker, against a stand-in `openai` module so the suite needs no SDK and no network."""

import contextlib
import importlib
import io
import sys
import types
import unittest
from types import SimpleNamespace
from unittest import mock

from fake_bridge import FakeBridge

from learngrid_worker.errors import JobFailure
from learngrid_worker.worker import Job


def stand_in_openai():
    module = types.ModuleType("openai")

    class OpenAIError(Exception):
        pass

    class APIError(OpenAIError):
        def __init__(self, message):
            super().__init__(message)
            self.message = message

    class APIStatusError(APIError):
        def __init__(self, message, status_code):
            super().__init__(message)
            self.status_code = status_code

    class APIConnectionError(APIError):
        pass

    class OpenAI:
        created = []

        def __init__(self, **options):
            self.options = options
            OpenAI.created.append(self)

    for cls in (OpenAIError, APIError, APIStatusError, APIConnectionError, OpenAI):
        setattr(module, cls.__name__, cls)
    return module


openai = stand_in_openai()
with mock.patch.dict(sys.modules, {"openai": openai}):
    sys.modules.pop("learngrid_worker.lesson_plan", None)
    lesson_plan = importlib.import_module("learngrid_worker.lesson_plan")

ENV = {"LEARNGRID_BRIDGE_PORT": "7001", "LEARNGRID_BRIDGE_SECRET": "bridge-secret",
       "LEARNGRID_AI_URL": "http://127.0.0.1:8089/", "LEARNGRID_AI_API_KEY": "sk-test-key"}


def lesson_job(attempt=1, last_error=None, **input_changes):
    job_input = {"topic": "photosynthesis", "gradeLevel": "7", "durationMinutes": 45, **input_changes}
    return Job({"id": "job-1", "kind": "lesson-plan", "input": job_input, "attempt": attempt,
                "maxAttempts": 3, "leaseToken": "lease-1", "lastError": last_error}, report_progress=None)


class ScriptedAi:
    """An OpenAI client whose chat completion returns `content` or raises `error`."""

    def __init__(self, content=None, error=None):
        self.calls = []
        self._content, self._error = content, error
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, **arguments):
        self.calls.append(arguments)
        if self._error is not None:
            raise self._error
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=self._content))])


class LessonPlanHandlerTest(unittest.TestCase):
    def test_first_attempt_messages(self):
        self.assertEqual(lesson_plan.build_messages(lesson_job()), [
            {"role": "system", "content": "You are an experienced teacher. Write clear, practical lesson plans: "
                                          "objectives, materials, a timed sequence of activities that fills the "
                                          "lesson, and how learning is checked at the end."},
            {"role": "user", "content": "Write a lesson plan of 45 minutes for grade level 7 on: photosynthesis"},
        ])

    def test_a_retry_is_told_why_the_previous_attempt_failed(self):
        user = lesson_plan.build_messages(lesson_job(attempt=2, last_error="the reply is empty"))[1]["content"]
        self.assertTrue(user.endswith("\n\nThis is attempt 2; the previous one failed: the reply is empty"))
        self.assertNotIn("attempt", lesson_plan.build_messages(lesson_job(attempt=2))[1]["content"])

    def test_the_reply_becomes_the_stripped_lesson_plan(self):
        ai = ScriptedAi(content="  1. Objectives ...\n")
        result = lesson_plan.make_handler(ai, "learngrid-sim")(lesson_job())
        self.assertEqual(result, {"lessonPlan": "1. Objectives ..."})
        self.assertEqual(ai.calls[0]["model"], "learngrid-sim")
        self.assertEqual(ai.calls[0]["messages"], lesson_plan.build_messages(lesson_job()))

    def test_an_empty_reply_is_retried(self):
        with self.assertRaises(JobFailure) as raised:
            lesson_plan.make_handler(ScriptedAi(content="  "), "m")(lesson_job())
        self.assertEqual((raised.exception.message, raised.exception.retry),
                         ("the AI's reply was unusable: the reply is empty", True))

    def test_upstream_errors_map_to_retry_decisions(self):
        cases = [
            (openai.APIStatusError("bad prompt", 400), False, "the AI refused the request: bad prompt"),
            (openai.APIStatusError("too long", 422), False, "the AI refused the request: too long"),
            (openai.APIStatusError("slow", 408), True, "the AI upstream is unavailable: slow"),
            (openai.APIStatusError("busy", 429), True, "the AI upstream is unavailable: busy"),
            (openai.APIStatusError("down", 503), True, "the AI upstream is unavailable: down"),
            (openai.APIConnectionError("refused"), True, "the AI upstream is unavailable: refused"),
        ]
        for error, retry, message in cases:
            with self.subTest(error=message), self.assertRaises(JobFailure) as raised:
                lesson_plan.make_handler(ScriptedAi(error=error), "m")(lesson_job())
            self.assertEqual((raised.exception.retry, raised.exception.message), (retry, message))

    def test_an_input_the_node_should_have_refused_fails_for_good(self):
        ai = ScriptedAi(content="plan")
        with self.assertRaises(JobFailure) as raised:
            lesson_plan.make_handler(ai, "m")(lesson_job(durationMinutes="45"))
        self.assertFalse(raised.exception.retry)
        self.assertEqual(ai.calls, [])


class SettingsTest(unittest.TestCase):
    def test_defaults(self):
        settings = lesson_plan.load_settings(ENV)
        self.assertEqual((settings.bridge_host, settings.bridge_tls, settings.ai_url, settings.ai_model,
                          settings.concurrency, settings.lease_ms, settings.poll_ms),
                         ("127.0.0.1", False, "http://127.0.0.1:8089", "learngrid-sim", 2, 30000, 500))
        self.assertTrue(settings.worker_id.startswith("python-"))
        self.assertNotIn("bridge-secret", repr(settings))
        self.assertNotIn("sk-test-key", repr(settings))

    def test_missing_and_bad_settings_name_the_variable(self):
        cases = [("LEARNGRID_BRIDGE_PORT", None), ("LEARNGRID_BRIDGE_SECRET", None), ("LEARNGRID_AI_URL", None),
                 ("LEARNGRID_BRIDGE_PORT", "seventy"), ("LEARNGRID_BRIDGE_TLS", "maybe"),
                 ("LEARNGRID_WORKER_CONCURRENCY", "0"), ("LEARNGRID_AI_URL", "127.0.0.1:8089")]
        for name, value in cases:
            env = {key: val for key, val in ENV.items() if key != name}
            if value is not None:
                env[name] = value
            with self.subTest(name=name, value=value), self.assertRaises(lesson_plan.SettingsError) as raised:
                lesson_plan.load_settings(env)
            self.assertIn(name, str(raised.exception))

    def test_main_exits_2_with_one_line_on_a_missing_setting(self):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            code = lesson_plan.main({"LEARNGRID_BRIDGE_SECRET": "s", "LEARNGRID_AI_URL": "http://x"})
        self.assertEqual(code, 2)
        self.assertEqual(stderr.getvalue(), "learngrid-worker: LEARNGRID_BRIDGE_PORT is not set\n")

    def test_main_exits_2_when_the_node_refuses_the_secret(self):
        with FakeBridge() as bridge, mock.patch.object(lesson_plan.logging, "basicConfig"):
            code = lesson_plan.main({**ENV, "LEARNGRID_BRIDGE_PORT": str(bridge.port)})
        self.assertEqual(code, 2)
        self.assertEqual(bridge.auth_pings, 1)
        self.assertEqual(openai.OpenAI.created[-1].options, {"base_url": "http://127.0.0.1:8089/v1",
                                                           "api_key": "sk-test-key", "max_retries": 2, "timeout": 60})


if __name__ == "__main__":
    unittest.main()
