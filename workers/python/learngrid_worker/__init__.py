"""Run learngrid's durable jobs in Python, over a node's TCP event-bus bridge.

The library needs only the standard library; the example worker (lesson_plan) needs openai.
"""

from .bridge import BridgeClient
from .errors import AuthenticationError, BusError, JobFailure, ProtocolError
from .worker import Job, Worker

__all__ = ["BridgeClient", "Worker", "Job", "JobFailure", "BusError", "AuthenticationError", "ProtocolError"]
__version__ = "0.1.0"
