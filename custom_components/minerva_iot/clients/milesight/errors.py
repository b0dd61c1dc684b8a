"""Exception hierarchy of the Milesight Development Platform client."""

from __future__ import annotations


class MilesightError(Exception):
    """Base class of every error raised by the Milesight client.

    ``err_code``, ``err_msg`` and ``request_id`` carry the cloud's failure envelope when there was
    one: Milesight support asks for the request id, and the config flow shows the code.
    """

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        err_code: str | None = None,
        err_msg: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.err_code = err_code
        self.err_msg = err_msg
        self.request_id = request_id


class MilesightAuthError(MilesightError):
    """The credentials were refused (401 on the token call, authentication_failed, token_not_found)."""


class MilesightConnectionError(MilesightError):
    """The cloud could not be reached: network error, timeout or a 5xx answer."""


class MilesightRateLimitError(MilesightError):
    """The cloud asked us to slow down (HTTP 429); `retry_after` is its Retry-After in seconds."""

    def __init__(
        self,
        message: str = "",
        *,
        retry_after: float | None = None,
        status: int | None = None,
        err_code: str | None = None,
        err_msg: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message, status=status, err_code=err_code, err_msg=err_msg, request_id=request_id
        )
        self.retry_after = retry_after


class MilesightResponseError(MilesightError):
    """The cloud answered with an error envelope or with a body we do not understand."""


class MilesightInvalidServerAddress(MilesightError):
    """The pasted server address cannot be turned into an https://host[:port] base URL."""


class MilesightCommandError(MilesightResponseError):
    """A property write or service call the cloud (or the thing model) refused.

    `key` names the property or service. Subclasses tell why, so callers can say so.
    """

    key: str | None = None

    def for_key(self, key: str | None) -> MilesightCommandError:
        """The same error, naming what was refused."""
        self.key = key
        return self


class MilesightDeviceOfflineError(MilesightCommandError):
    """The device is offline (or was never connected): no downlink can reach it."""


class MilesightReadOnlyError(MilesightCommandError):
    """The property is not writable (`R` in the thing model) or the service is unknown."""


class MilesightValueError(MilesightCommandError):
    """The value is outside the thing model's range, not one of its options, or mistyped."""
