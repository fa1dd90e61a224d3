"""One typed exception per failure a user can act on. Every message is one line that says what to do.

No message ever contains the API key: `redact` is applied wherever server text is quoted.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ArcError(Exception):
    """Base of every error this client raises."""


class UnknownGameError(ArcError):
    @classmethod
    def among(cls, game_id: str, known: Iterable[str]) -> UnknownGameError:
        """The error for `game_id`, suggesting up to three close names from `known`."""
        return cls(game_id, difflib.get_close_matches(game_id, sorted(set(known)), n=3, cutoff=0.4))

    def __init__(self, game_id: str, suggestions: list[str] | None = None) -> None:
        self.game_id = game_id
        self.suggestions = suggestions or []
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown game '{game_id}'{hint} (list them with `aria games list`)")


class GamesDirError(ArcError):
    """A games directory that is missing, empty, or holds a malformed metadata.json."""


class RecordingError(ArcError, ValueError):
    """A recording that cannot be read: missing, not a recording, damaged (the message names file:line),
    or a set of recordings that mixes scorecards."""


class InvalidActionError(ArcError):
    """An action the protocol cannot carry (ACTION6 without or with out-of-range x, y)."""


class GameCrashedError(ArcError):
    """The game's own code raised while handling an action (in-process backend)."""


class ArcHTTPError(ArcError):
    """Any HTTP failure: status, the API's error code and message."""

    def __init__(self, status: int | None, error: str | None, message: str, hint: str = "") -> None:
        self.status = status
        self.error = error
        self.message = message
        parts = [f"HTTP {status}" if status is not None else "HTTP error"]
        if error:
            parts.append(error)
        text = f"{': '.join(parts)}: {message}"
        super().__init__(f"{text} ({hint})" if hint else text)


class GameNotStartedError(ArcHTTPError):
    """400 GAME_NOT_STARTED_ERROR: the game is over, won, or was never started; send RESET."""


class AuthenticationError(ArcHTTPError):
    """401: the API key was rejected."""


class RateLimitedError(ArcHTTPError):
    """429 that persisted through every back-off."""


class CommandUnconfirmedError(ArcHTTPError):
    """A command was sent but no answer came back (read timeout, dropped connection).

    The server may or may not have applied it, so it is never re-sent automatically: re-read the
    scorecard (`HttpBackend.resync`) and compare its action count with yours before acting again.
    """


class ServerUnavailableError(ArcError):
    """The server could not be reached at all (connection refused, DNS, TLS)."""


class ResponseFormatError(ArcHTTPError):
    """A 2xx answer that is not the JSON the protocol promises (HTML page, wrong type, bad JSON)."""


def redact(text: str, secret: str | None) -> str:
    """Remove the API key from text that may quote it (servers echo keys in some messages)."""
    if secret:
        text = text.replace(secret, "***")
    return text
