"""The one interface every way of reaching ARC-AGI-3 games implements.

A backend speaks the protocol and nothing else: it opens/closes scorecards and sends commands.
`session.py` builds the user-facing handles (ArcClient, Scorecard, GameSession) on top of it.
Both backends must give identical FrameResponses and scorecards for the same game, seed and actions.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .errors import ArcError
from .types import FrameResponse, GameAction, GameInfo, ScorecardSummary


class Backend(ABC):
    """Async access to games. Implementations: HttpBackend (REST) and LocalBackend (in-process)."""

    #: a short word for tables and logs: "http" or "local"
    kind: str = "abstract"
    #: games it knows of but cannot start (a malformed metadata.json), by the ids a user may type:
    #: asking for one of them raises its error rather than "unknown game"
    broken: Mapping[str, ArcError] = MappingProxyType({})

    @abstractmethod
    async def list_games(self) -> list[GameInfo]:
        """Every game this backend can start."""

    @abstractmethod
    async def open_scorecard(
        self,
        tags: list[str] | None = None,
        source_url: str | None = None,
        opaque: Any = None,
        competition_mode: bool = False,
    ) -> str:
        """Open a scorecard and return its card_id."""

    @abstractmethod
    async def get_scorecard(self, card_id: str) -> ScorecardSummary:
        """The scorecard as it stands (open cards)."""

    @abstractmethod
    async def close_scorecard(self, card_id: str) -> ScorecardSummary:
        """Close the scorecard and return its final summary."""

    @abstractmethod
    async def command(
        self,
        card_id: str,
        game_id: str,
        action: GameAction,
        guid: str | None = None,
        x: int | None = None,
        y: int | None = None,
        reasoning: Any = None,
        seed: int = 0,
    ) -> FrameResponse:
        """Send RESET or ACTION1..7. RESET without guid creates a new game instance (new guid).

        `seed` only matters for a RESET that creates an instance, and only in-process: the official
        server always builds games with seed 0.
        """

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections and threads."""
