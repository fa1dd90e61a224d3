"""The user-facing async interface: ArcClient -> Scorecard -> GameSession.

    async with ArcClient.local("environment_files") as client:        # or ArcClient.http(url, key)
        async with client.scorecard(tags=["demo"]) as card:            # always closed on exit
            game = await card.start("ls20", seed=0)                    # RESET without guid
            frame = await game.step(GameAction.ACTION1, reasoning={"why": "explore"})
            frame = await game.step(GameAction.ACTION6, x=12, y=40)
        print(card.summary.score)
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any

from .backend import Backend
from .errors import UnknownGameError
from .recording import DEFAULT_RECORD_FORMAT, RecordingWriter, check_record_format, recording_path
from .types import FrameResponse, GameAction, GameInfo, GameState, ScorecardSummary, validate_action

log = logging.getLogger("arc_client")


class GameSession:
    """One game instance (one guid) on a scorecard."""

    def __init__(
        self,
        backend: Backend,
        card_id: str,
        first: FrameResponse,
        recorder: RecordingWriter | None,
    ) -> None:
        self._backend = backend
        self.card_id = card_id
        self.game_id = first.game_id
        self.guid = first.guid
        self.last = first
        self.recorder = recorder
        #: ACTION1..7 and RESETs after the creating one: what the official scorer counts
        self.actions = 0

    @property
    def state(self) -> GameState:
        return self.last.state

    async def step(
        self,
        action: GameAction | int | str,
        x: int | None = None,
        y: int | None = None,
        reasoning: Any = None,
        aria: dict[str, Any] | None = None,
    ) -> FrameResponse:
        """Send one action; `aria` (agent internals) goes into the recording only."""
        action = GameAction.parse(action) if not isinstance(action, GameAction) else action
        validate_action(action, x, y)
        if action is not GameAction.RESET and int(action) not in self.last.available_actions:
            log.warning(
                "%s is not in available_actions %s of %s; sending it anyway (it is counted)",
                action.name, list(self.last.available_actions), self.game_id,
            )
        response = await self._backend.command(
            self.card_id, self.game_id, action, guid=self.guid, x=x, y=y, reasoning=reasoning
        )
        self.actions += 1
        self.last = response
        if self.recorder is not None:
            self.recorder.write(response, aria)
        return response

    async def reset(self, reasoning: Any = None, aria: dict[str, Any] | None = None) -> FrameResponse:
        """RESET this instance: restarts the level (or the game if no action was taken in it)."""
        return await self.step(GameAction.RESET, reasoning=reasoning, aria=aria)

    def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()


class Scorecard:
    """An open scorecard. As an async context manager it is closed on every exit path."""

    def __init__(
        self,
        client: ArcClient,
        tags: list[str] | None = None,
        source_url: str | None = None,
        opaque: Any = None,
        competition_mode: bool = False,
    ) -> None:
        self._client = client
        self._open_args = dict(tags=tags, source_url=source_url, opaque=opaque, competition_mode=competition_mode)
        self.card_id: str | None = None
        self.summary: ScorecardSummary | None = None
        self.games: list[GameSession] = []
        self._close_lock = asyncio.Lock()

    async def open(self) -> str:
        self.card_id = await self._client.backend.open_scorecard(**self._open_args)
        return self.card_id

    def _require_open(self) -> str:
        if self.card_id is None:
            raise RuntimeError("the scorecard is not open; use `async with client.scorecard()`")
        if self.summary is not None:
            raise RuntimeError(f"scorecard {self.card_id} is already closed")
        return self.card_id

    async def start(self, game_id: str, seed: int = 0, record: bool | None = None) -> GameSession:
        """Create a new instance of a game (RESET without guid) on this scorecard."""
        card_id = self._require_open()
        info = await self._client.resolve_game(game_id)
        first = await self._client.backend.command(card_id, info.game_id, GameAction.RESET, seed=seed)
        record = self._client.recordings_dir is not None if record is None else record
        recorder = None
        if record and self._client.recordings_dir is not None:
            recorder = RecordingWriter(recording_path(self._client.recordings_dir, card_id, first.game_id, first.guid,
                                                      self._client.record_format))
            recorder.write(first)
        session = GameSession(self._client.backend, card_id, first, recorder)
        self.games.append(session)
        return session

    async def get(self) -> ScorecardSummary:
        return await self._client.backend.get_scorecard(self._require_open())

    async def close(self) -> ScorecardSummary | None:
        """Close once; flush every recording first. Safe to call again (returns the same summary)."""
        async with self._close_lock:
            for game in self.games:
                game.close()
            if self.summary is not None or self.card_id is None:
                return self.summary
            self.summary = await self._client.backend.close_scorecard(self.card_id)
            return self.summary

    async def __aenter__(self) -> Scorecard:
        await self.open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Shielded: a cancelled run (Ctrl-C) still closes its scorecard.
        await asyncio.shield(self.close())


class ArcClient:
    """One entry point for the three ways to reach games: hosted API, local server, directory."""

    def __init__(self, backend: Backend, recordings_dir: str | os.PathLike[str] | None = None,
                 record_format: str = DEFAULT_RECORD_FORMAT) -> None:
        self.backend = backend
        self.recordings_dir = Path(recordings_dir) if recordings_dir is not None else None
        #: `jsonl.gz` (the default) or `jsonl`: how recordings under `recordings_dir` are written
        self.record_format = check_record_format(record_format)
        self._games: list[GameInfo] | None = None
        self._warned_broken = False

    @classmethod
    def local(
        cls,
        games_dir: str | os.PathLike[str],
        recordings_dir: str | os.PathLike[str] | None = None,
        max_workers: int | None = None,
        *,
        record_format: str = DEFAULT_RECORD_FORMAT,
    ) -> ArcClient:
        """In-process games from an environment_files directory, through the official toolkit (offline)."""
        from .local_backend import LocalBackend

        return cls(LocalBackend(games_dir, max_workers=max_workers), recordings_dir, record_format)

    @classmethod
    def http(
        cls,
        base_url: str,
        api_key: str,
        recordings_dir: str | os.PathLike[str] | None = None,
        *,
        record_format: str = DEFAULT_RECORD_FORMAT,
        **options: Any,
    ) -> ArcClient:
        """The hosted API (https://three.arcprize.org) or the toolkit's local REST server."""
        from .http_backend import HttpBackend

        return cls(HttpBackend(base_url, api_key, **options), recordings_dir, record_format)

    async def list_games(self, refresh: bool = False) -> list[GameInfo]:
        """Every game that can start (those that cannot are in `backend.broken`)."""
        if self._games is None or refresh:
            self._games = await self.backend.list_games()
        return self._games

    def _warn_broken(self) -> None:
        """Once per client, when a game starts: a broken game is skipped, never a reason to refuse
        the others (and asking for it raises its own error instead)."""
        if not self._warned_broken:
            self._warned_broken = True
            for error in dict.fromkeys(self.backend.broken.values()):
                log.warning("warning: skipping a game: %s", error)

    async def resolve_game(self, game_id: str) -> GameInfo:
        """Exact id, or the 4-character name (newest version); UnknownGameError suggests close ids, and a
        game that cannot load (`backend.broken`) raises its own error."""
        games = await self.list_games()
        found = [g for g in games if g.game_id == game_id]
        found = found or [g for g in games if g.name == game_id.split("-", 1)[0] and "-" not in game_id]
        if found:
            self._warn_broken()
            return found[-1]
        broken = self.backend.broken.get(game_id) or self.backend.broken.get(game_id.split("-", 1)[0])
        if broken is not None:
            raise broken
        raise UnknownGameError.among(game_id, [g.game_id for g in games] + [g.name for g in games])

    def scorecard(
        self,
        tags: list[str] | None = None,
        source_url: str | None = None,
        opaque: Any = None,
        competition_mode: bool = False,
    ) -> Scorecard:
        return Scorecard(self, tags=tags, source_url=source_url, opaque=opaque, competition_mode=competition_mode)

    async def aclose(self) -> None:
        await self.backend.aclose()

    async def __aenter__(self) -> ArcClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
