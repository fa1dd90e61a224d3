"""One async interface to ARC-AGI-3 games: the hosted API, the toolkit's local server, or game files.

`arc_client` never imports `agent`, `torch` or `textual`.
"""

from .backend import Backend
from .errors import (
    ArcError,
    ArcHTTPError,
    AuthenticationError,
    CommandUnconfirmedError,
    GameCrashedError,
    GameNotStartedError,
    GamesDirError,
    InvalidActionError,
    RateLimitedError,
    RecordingError,
    ResponseFormatError,
    ServerUnavailableError,
    UnknownGameError,
)
from .recording import RecordedStep, RecordingWriter, read_recording
from .session import ArcClient, GameSession, Scorecard
from .types import (
    ActionInput,
    EnvironmentScore,
    EnvironmentScoreList,
    FrameResponse,
    GameAction,
    GameInfo,
    GameState,
    ScorecardSummary,
    validate_action,
)

__all__ = [
    "ActionInput", "ArcClient", "ArcError", "ArcHTTPError", "AuthenticationError", "Backend",
    "CommandUnconfirmedError", "EnvironmentScore", "EnvironmentScoreList", "FrameResponse", "GameAction",
    "GameCrashedError",
    "GameInfo", "GameNotStartedError", "GameSession", "GameState", "GamesDirError", "InvalidActionError",
    "RateLimitedError", "RecordedStep", "RecordingError", "RecordingWriter", "ResponseFormatError", "Scorecard",
    "ScorecardSummary", "ServerUnavailableError", "UnknownGameError", "read_recording", "validate_action",
]
