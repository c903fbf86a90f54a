"""The exceptions of learngrid_worker, in one place so every module raises the same types."""


class ProtocolError(Exception):
    """The node sent something that is not a bridge frame; the connection cannot be trusted any more."""


class AuthenticationError(Exception):
    """The node refused the bridge secret. Retrying with the same secret will not help."""


class BusError(Exception):
    """The node answered a request with an err frame (the handler failed, timed out, or does not exist)."""

    def __init__(self, failure_code, failure_type, message):
        super().__init__(f"{failure_type} ({failure_code}): {message}")
        self.failure_code = failure_code
        self.failure_type = failure_type
        self.message = message


class JobFailure(Exception):
    """Raised by a job handler to fail an attempt with a chosen message and retry decision.

    retry=False is for failures another attempt cannot fix (bad input, a refused request);
    the job then fails for good instead of burning its remaining attempts.
    """

    def __init__(self, message, retry=True):
        super().__init__(message)
        self.message = message
        self.retry = retry
