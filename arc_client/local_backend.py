"""The in-process backend: games from an environment_files directory, run by the official toolkit.

`arc_agi.Arcade` in OFFLINE mode (no network) loads the games, keeps the scorecards and scores them
with its own scorer, so a local scorecard is exactly what the official server would report.
Game code is blocking Python. A thread-pool hop costs more than a whole step of a typical game, so
each game instance is timed: while its steps stay under `inline_below` seconds they run on the
event loop, which yields every few milliseconds; slower ones (and every game start) run on the
pool. Either way an event loop (a TUI) stays responsive and several games run at once.
Answers and errors mirror the official server's:
acting on a finished game raises GameNotStartedError (400 GAME_NOT_STARTED_ERROR) there and here.
A competition-mode scorecard follows the server's rules too (`arc_agi.api.RestAPI`): it cannot be
read while open (403), each game is made once on it, a RESET before any action of the level leaves
the game as it is, and closing it makes the games never started so that they score 0.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from arc_agi import Arcade, OperationMode
from arc_agi.local_wrapper import LocalEnvironmentWrapper
from arc_agi.models import EnvironmentInfo
from arc_agi.scorecard import Scorecard as ToolkitScorecard
from arc_agi.wrapper import EnvironmentWrapper
from arcengine import GameAction as ToolkitAction
from arcengine import GameState as ToolkitState

from .backend import Backend
from .errors import ArcHTTPError, GameCrashedError, GameNotStartedError, GamesDirError, UnknownGameError
from .types import (
    ActionInput,
    FrameResponse,
    GameAction,
    GameInfo,
    GameState,
    ScorecardSummary,
    validate_action,
)

log = logging.getLogger("arc_client.local")

METADATA = "metadata.json"


@dataclass(frozen=True)
class GamesScan:
    """The games a directory holds, and the games it holds that cannot load (by name and id)."""

    games: list[EnvironmentInfo]
    broken: dict[str, GamesDirError] = field(default_factory=dict)


def _metadata_problem(path: Path) -> str | None:
    """Why `path` is not a valid metadata.json (the JSON or field error, one line), or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read it ({getattr(exc, 'strerror', None) or exc})"
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not JSON: {exc}"
    try:
        EnvironmentInfo.model_validate_json(text)
    except ValueError as exc:  # pydantic's ValidationError: the fields, not "1 validation error for ..."
        errors = exc.errors()[:3] if hasattr(exc, "errors") else []
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'the document'}: {e['msg']}" for e in errors) or str(exc)
    return None


def _game_names(root: Path, path: Path) -> list[str]:
    """The ids a user may type for the game of `path` (`<game>/<version>/metadata.json`)."""
    parts = path.relative_to(root).parts[:-1]
    if not parts:
        return []
    names = [parts[0]]
    if len(parts) >= 2:
        names.append(f"{parts[0]}-{parts[1]}")
    return names


def scan_games_dir(games_dir: str | os.PathLike[str]) -> GamesScan:
    """Every game below a directory, and the broken ones the toolkit would skip silently.

    GamesDirError when the directory is missing or holds no game that loads.
    """
    root = Path(games_dir)
    if not root.is_dir():
        raise GamesDirError(f"games directory {root} does not exist; pass a directory of <game>/<version>/{METADATA}")
    files = sorted(root.rglob(METADATA))
    if not files:
        raise GamesDirError(f"no {METADATA} below {root}; expected the layout <game>/<version>/{METADATA} + <class>.py")
    games: list[EnvironmentInfo] = []
    broken: dict[str, GamesDirError] = {}
    first_problem: GamesDirError | None = None
    for path in files:
        problem = _metadata_problem(path)
        if problem is None:
            games.append(EnvironmentInfo.model_validate_json(path.read_text(encoding="utf-8")))
            continue
        error = GamesDirError(f"malformed {path}: {problem}; fix or remove it")
        first_problem = first_problem or error
        for name in _game_names(root, path):
            broken.setdefault(name, error)
    if not games and first_problem is not None:
        more = len(files) - 1
        raise GamesDirError(f"{first_problem}" + (f" (and {more} more like it)" if more else ""))
    return GamesScan(games, broken)


class _LastError(logging.Handler):
    """Keeps the toolkit's latest error per thread: it logs a crashing game instead of raising."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self._local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        reason = record.exc_info[1] if record.exc_info else None
        self._local.message = f"{type(reason).__name__}: {reason}" if reason else record.getMessage()

    def take(self) -> str:
        message = getattr(self._local, "message", None) or "see the log"
        self._local.message = None
        return " ".join(message.split())


def _toolkit_logger(handler: logging.Handler) -> logging.Logger:
    """A quiet logger for the toolkit: its INFO chatter would flood stdout (and a TUI)."""
    logger = logging.getLogger(f"arc_client.toolkit.{id(handler)}")
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.propagate = False
    return logger


# Enum translations as dict look-ups: conversion is on the hot path of every step.
_TOOLKIT_ACTIONS = {GameAction(a.value): a for a in ToolkitAction}
_OUR_ACTIONS = {a: GameAction(a.value) for a in ToolkitAction}
_OUR_STATES = {s: GameState.parse(s) for s in ToolkitState}


def _frame(grid: np.ndarray) -> np.ndarray:
    # The engine renders a fresh int8 array per frame with colours 0..15: a read-only uint8 view
    # costs nothing and shares no state with the game.
    view = grid.view(np.uint8) if grid.dtype == np.int8 else np.asarray(grid, dtype=np.uint8)
    view.setflags(write=False)
    return view


class _Instance:
    """One running game (one guid) and how long its steps take."""

    __slots__ = ("card_id", "game", "lock", "step_time", "steps")

    #: steps are timed one in this many (and always until the first measurement)
    SAMPLE_EVERY = 8

    def __init__(self, card_id: str, game: EnvironmentWrapper) -> None:
        self.card_id = card_id
        self.game = game
        self.lock = asyncio.Lock()  # one action at a time per instance
        self.step_time = math.inf  # unknown until measured, so the first step goes to the pool
        self.steps = 0

    def observe(self, seconds: float) -> None:
        # A running mean: one slow step (a level change) does not move a fast game to the pool,
        # where every step would pay a thread hop worth more than the step itself.
        self.step_time = seconds if self.step_time == math.inf else 0.8 * self.step_time + 0.2 * seconds


class LocalBackend(Backend):
    kind = "local"

    #: how long the event loop may run game code before it lets other tasks in
    YIELD_EVERY = 0.005

    def __init__(
        self, games_dir: str | os.PathLike[str], max_workers: int | None = None, inline_below: float = 0.002
    ) -> None:
        self.games_dir = Path(games_dir)
        self.inline_below = inline_below
        self._inline_since_yield = 0.0
        #: games whose metadata.json cannot load, by the ids a user may type for them
        self.broken = scan_games_dir(self.games_dir).broken
        self._errors = _LastError()
        # The toolkit's scorecard module prints to stdout at INFO on every new manager.
        logging.getLogger("arc_agi.scorecard").setLevel(logging.WARNING)
        self._arcade = Arcade(
            operation_mode=OperationMode.OFFLINE,
            environments_dir=str(self.games_dir),
            logger=_toolkit_logger(self._errors),
        )
        self._executor = ThreadPoolExecutor(
            max_workers=max_workers or min(32, (os.cpu_count() or 1) + 4), thread_name_prefix="arc-local"
        )
        self._games: dict[str, _Instance] = {}  # by guid
        # The server checks "game not yet on this competition card" and makes it under one lock.
        self._competition_make_lock = threading.Lock()
        # The toolkit forgets a scorecard once closed; the last one is kept for callers that merge
        # several backends' cards into one (process-parallel evaluation).
        self._last_closed: ToolkitScorecard | None = None

    @property
    def environment_infos(self) -> list[EnvironmentInfo]:
        """The games' infos as the official scorer sees them (baselines included)."""
        return list(self._arcade.available_environments)

    def set_baselines(self, baselines: dict[str, list[int]]) -> None:
        """Score these games against other per-level baselines (levels built from another seed have
        other optimal lengths). Affects scorecards closed from now on, and `list_games`."""
        envs = self._arcade.available_environments
        for i, env in enumerate(envs):
            if env.game_id in baselines:
                envs[i] = env.model_copy(update={"baseline_actions": list(baselines[env.game_id])})

    async def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: fn(*args, **kwargs))

    # ----- games and scorecards -------------------------------------------------------------

    async def list_games(self) -> list[GameInfo]:
        return [
            GameInfo(
                game_id=env.game_id,
                title=env.title,
                tags=tuple(env.tags or ()),
                baseline_actions=tuple(env.baseline_actions or ()),
                class_name=env.class_name,
                default_fps=env.default_fps,
            )
            for env in sorted(self._arcade.available_environments, key=lambda e: e.game_id)
        ]

    async def open_scorecard(
        self,
        tags: list[str] | None = None,
        source_url: str | None = None,
        opaque: Any = None,
        competition_mode: bool = False,
    ) -> str:
        tags = list(tags or [])
        if "human" not in tags and "agent" not in tags:
            tags.append("agent")  # as the official server does
        return str(
            self._arcade.scorecard_manager.new_scorecard(
                source_url=source_url,
                tags=tags,
                api_key=self._arcade.arc_api_key,
                opaque=opaque,
                competition_mode=True if competition_mode else None,
            )
        )

    def _scorecard(self, card_id: str) -> ToolkitScorecard | None:
        return self._arcade.scorecard_manager.get_scorecard(card_id, self._arcade.arc_api_key)

    def _is_competition(self, card_id: str) -> bool:
        card = self._scorecard(card_id)
        return card is not None and bool(card.competition_mode)

    async def get_scorecard(self, card_id: str) -> ScorecardSummary:
        if self._is_competition(card_id):
            # Same status, code and text as HttpBackend raises for the server's 403.
            raise ArcHTTPError(
                403, "SERVER_ERROR", f"read scorecard {card_id}: cannot get scorecard that is in competition mode"
            )
        card = await self._run(self._arcade.get_scorecard, card_id)
        if card is None:
            raise ArcHTTPError(404, "SERVER_ERROR", f"card_id `{card_id}` not found", "is the scorecard closed?")
        return ScorecardSummary.from_json(card.model_dump(mode="json"))

    async def close_scorecard(self, card_id: str) -> ScorecardSummary:
        card = await self._run(self._close, card_id)
        if card is None:
            raise ArcHTTPError(404, "VALIDATION_ERROR", f"scorecard {card_id} not found")
        for guid in [g for g, instance in self._games.items() if instance.card_id == card_id]:
            self._games.pop(guid, None)
        return ScorecardSummary.from_json(card.model_dump(mode="json"))

    def _close(self, card_id: str) -> Any:
        card = self._scorecard(card_id)
        if card is not None and card.competition_mode:
            # As the server does: every game not yet on a competition card is made on it first, so
            # a game the agent never started is on the card, and scores 0.
            for env in self._arcade.available_environments:
                if not card.has_environment(env.game_id):
                    self._arcade.make(env.game_id, scorecard_id=card_id)
        closed = self._arcade.close_scorecard(card_id)
        if card is not None and closed is not None:
            self._last_closed = card
        return closed

    def closed_scorecard(self, card_id: str) -> ToolkitScorecard | None:
        """The official (toolkit) Scorecard of `card_id` if it is the last one this backend closed."""
        card = self._last_closed
        return card if card is not None and card.card_id == card_id else None

    # ----- commands -------------------------------------------------------------------------

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
        validate_action(action, x, y)
        if action is GameAction.RESET and guid is None:
            return await self._run(self._make, card_id, game_id, seed)
        instance = self._games.get(guid) if guid is not None else None
        if instance is None:
            raise ArcHTTPError(400, "SERVER_ERROR", f"game {game_id} not found", "start it with RESET first")
        # Same action data as the server echoes: the request fields of the action's type.
        data: dict[str, Any] = {"game_id": game_id}
        if action.is_complex:
            data["x"], data["y"] = int(x), int(y)  # type: ignore[arg-type]
        elif action is GameAction.RESET and self._is_competition(instance.card_id):
            # Competition state is looked at on RESET only: other actions keep the fast path.
            async with instance.lock:
                return await self._run(self._competition_reset, instance, game_id, data, reasoning)
        if instance.step_time < self.inline_below and not instance.lock.locked():
            # Inline: nothing can interleave with a call that does not await, so no lock needed.
            try:
                return self._step(instance, game_id, action, data, reasoning)
            finally:
                self._inline_since_yield += instance.step_time
                if self._inline_since_yield >= self.YIELD_EVERY:
                    self._inline_since_yield = 0.0
                    await asyncio.sleep(0)
        async with instance.lock:
            return await self._run(self._step, instance, game_id, action, data, reasoning)

    def _make(self, card_id: str, game_id: str, seed: int) -> FrameResponse:
        card = self._scorecard(card_id)
        if card is None:
            raise ArcHTTPError(400, "SERVER_ERROR", f"scorecard {card_id} is not open", "open a scorecard first")
        if card.competition_mode:
            with self._competition_make_lock:
                if card.has_environment(game_id):
                    # The server's answer (and HttpBackend's text) for a second start of a game.
                    raise ArcHTTPError(
                        400,
                        "SERVER_ERROR",
                        f"RESET on {game_id}: game {game_id} not found",
                        "a competition scorecard makes each game once; RESET its first instance by guid",
                    )
                game = self._arcade.make(game_id, seed=seed, scorecard_id=card_id)
        else:
            game = self._arcade.make(game_id, seed=seed, scorecard_id=card_id)
        if game is None:
            broken = self.broken.get(game_id)
            if broken is not None:
                raise broken
            names = [e.game_id for e in self._arcade.available_environments]
            raise UnknownGameError.among(game_id, names)
        raw = game.observation_space
        if raw is None or not raw.frame:
            raise GameCrashedError(f"game {game_id} failed to start ({self._errors.take()}); fix its source file")
        guid = str(raw.guid)
        self._games[guid] = _Instance(card_id, game)
        return self._response(raw, raw.frame)

    def _competition_reset(
        self, instance: _Instance, game_id: str, data: dict[str, Any], reasoning: Any
    ) -> FrameResponse:
        game = instance.game
        engine = game._game if isinstance(game, LocalEnvironmentWrapper) else None
        if engine is None or engine._action_count != 0:
            return self._step(instance, game_id, GameAction.RESET, data, reasoning)
        # No action yet in this level, where a RESET would restart the whole game: the server
        # leaves the game alone, answers its last observation and books that observation on the
        # card as a level reset (its action_input decides what is counted).
        raw = game.observation_space
        card = self._scorecard(instance.card_id)
        if card is not None and raw is not None:
            card.update_scorecard(str(raw.guid), raw, False)
        frames = raw.frame if raw is not None else None
        if raw is None or not frames:
            raise GameNotStartedError(
                400,
                "GAME_NOT_STARTED_ERROR",
                f"RESET on {game_id}: game {game_id} is available but has not been started, "
                "send RESET to begin playing",
            )
        return self._response(raw, frames)

    def _step(
        self, instance: _Instance, game_id: str, action: GameAction, data: dict[str, Any], reasoning: Any
    ) -> FrameResponse:
        instance.steps += 1
        if instance.steps % instance.SAMPLE_EVERY == 1 or instance.step_time == math.inf:
            # CPU time of this thread, not wall time: a busy machine that pauses us is not a slow game.
            start = time.thread_time()
            raw = instance.game.step(_TOOLKIT_ACTIONS[action], data=data, reasoning=reasoning)
            instance.observe(time.thread_time() - start)
        else:
            raw = instance.game.step(_TOOLKIT_ACTIONS[action], data=data, reasoning=reasoning)
        if raw is None:
            raise GameCrashedError(
                f"game {game_id} raised on {action.name} ({self._errors.take()}); this is a bug in the game"
            )
        frames = raw.frame  # a pydantic private attribute: slow to read, so read once
        if not frames:
            raise GameNotStartedError(
                400,
                "GAME_NOT_STARTED_ERROR",
                f"{action.name} on {game_id}: game {game_id} is available but has not been started, "
                "send RESET to begin playing",
            )
        return self._response(raw, frames)

    @staticmethod
    def _response(raw: Any, frames: list[np.ndarray]) -> FrameResponse:
        # This runs once per action: the frozen dataclasses are filled through `built`, which skips
        # their per-field __setattr__ guard (a third of this backend's cost per action).
        echoed = raw.action_input
        return FrameResponse.built(
            game_id=raw.game_id,
            guid=raw.guid,
            frames=tuple(map(_frame, frames)),
            state=_OUR_STATES.get(raw.state) or GameState.parse(raw.state),
            levels_completed=raw.levels_completed,
            win_levels=raw.win_levels,
            available_actions=tuple(raw.available_actions),
            # `data` is the fresh dict this backend built for the call: no copy needed.
            action_input=ActionInput.built(id=_OUR_ACTIONS[echoed.id], data=echoed.data, reasoning=echoed.reasoning),
            # The official server never reports full_reset (always false); match it so both
            # backends answer identically.
            full_reset=False,
        )

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._games.clear()
