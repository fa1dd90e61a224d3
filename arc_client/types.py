"""Protocol types of ARC-AGI-3, under the field's own names (GameAction, GameState, frames, guid...).

These are plain dataclasses at the boundary of the client: both backends (HTTP and in-process)
produce exactly these, so an agent never knows which one it is talking to.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import InvalidActionError

FRAME_SIZE = 64
NUM_COLOURS = 16


def _built[T](cls: type[T], fields: dict[str, Any]) -> T:
    """An instance of a frozen dataclass filled without its per-field guard: every field must be
    given, already of the right type. For hot paths only (one call per game action)."""
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


class GameAction(enum.IntEnum):
    RESET = 0
    ACTION1 = 1
    ACTION2 = 2
    ACTION3 = 3
    ACTION4 = 4
    ACTION5 = 5
    ACTION6 = 6
    ACTION7 = 7

    @property
    def is_complex(self) -> bool:
        """ACTION6 (click) is the only action that carries x and y."""
        return self is GameAction.ACTION6

    @classmethod
    def parse(cls, value: int | str) -> GameAction:
        """Accept 3, "3", "ACTION3", "action3", "RESET"."""
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        text = str(value).strip().upper()
        if text.isdigit():
            return cls(int(text))
        return cls[text]


def validate_action(action: GameAction, x: int | None, y: int | None) -> None:
    """The protocol's one rule on action data, checked by every backend before anything is sent:
    ACTION6 (click) needs x and y in 0..63; other actions carry none (any given are ignored)."""
    if action.is_complex:
        if x is None or y is None:
            raise InvalidActionError("ACTION6 (click) needs x and y, each in 0..63")
        if not (0 <= int(x) < FRAME_SIZE and 0 <= int(y) < FRAME_SIZE):
            raise InvalidActionError(f"click ({x}, {y}) is outside the frame; x and y must be in 0..63")


class GameState(enum.StrEnum):
    NOT_PLAYED = "NOT_PLAYED"
    NOT_STARTED = "NOT_STARTED"
    NOT_FINISHED = "NOT_FINISHED"
    WIN = "WIN"
    GAME_OVER = "GAME_OVER"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, value: Any) -> GameState:
        """Tolerate enum members of other libraries and values this client does not know."""
        name = getattr(value, "value", value)
        try:
            return cls(str(name))
        except ValueError:
            return cls.UNKNOWN

    @property
    def is_terminal(self) -> bool:
        return self in (GameState.WIN, GameState.GAME_OVER)


@dataclass(frozen=True)
class ActionInput:
    """The action that produced a frame response, as echoed by the game."""

    id: GameAction
    data: dict[str, Any] = field(default_factory=dict)
    reasoning: Any = None

    @property
    def x(self) -> int | None:
        return self.data.get("x")

    @property
    def y(self) -> int | None:
        return self.data.get("y")

    def to_json(self) -> dict[str, Any]:
        return {"id": int(self.id), "data": dict(self.data), "reasoning": self.reasoning}

    @classmethod
    def built(cls, *, id: GameAction, data: dict[str, Any], reasoning: Any) -> ActionInput:  # noqa: A002
        return _built(cls, {"id": id, "data": data, "reasoning": reasoning})

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> ActionInput:
        raw = raw or {}
        ident = raw.get("id", 0)
        return cls(
            id=GameAction.parse(getattr(ident, "value", ident)),
            data=dict(raw.get("data") or {}),
            reasoning=raw.get("reasoning"),
        )


def as_frame(grid: Any) -> np.ndarray:
    """One 64x64 grid of colours 0..15 as a read-only uint8 array."""
    arr = np.asarray(grid, dtype=np.uint8)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class FrameResponse:
    """What every command (RESET, ACTION1..7) returns.

    `frames` holds 1..N grids (the engine animates); the last one is the settled state.
    """

    game_id: str
    guid: str
    frames: tuple[np.ndarray, ...]
    state: GameState
    levels_completed: int
    win_levels: int
    available_actions: tuple[int, ...]
    action_input: ActionInput
    full_reset: bool = False

    @property
    def frame(self) -> np.ndarray:
        """The settled frame: the last of `frames`."""
        return self.frames[-1]

    @classmethod
    def built(cls, *, game_id: str, guid: str, frames: tuple[np.ndarray, ...], state: GameState,
              levels_completed: int, win_levels: int, available_actions: tuple[int, ...],
              action_input: ActionInput, full_reset: bool) -> FrameResponse:
        return _built(cls, {"game_id": game_id, "guid": guid, "frames": frames, "state": state,
                            "levels_completed": levels_completed, "win_levels": win_levels,
                            "available_actions": available_actions, "action_input": action_input,
                            "full_reset": full_reset})

    def to_json(self, include_frames: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "game_id": self.game_id,
            "guid": self.guid,
            "state": self.state.value,
            "levels_completed": self.levels_completed,
            "win_levels": self.win_levels,
            "action_input": self.action_input.to_json(),
            "available_actions": list(self.available_actions),
            "full_reset": self.full_reset,
        }
        if include_frames:
            out["frame"] = [f.tolist() for f in self.frames]
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> FrameResponse:
        frames = raw.get("frame") or raw.get("frames") or []
        return cls(
            game_id=str(raw.get("game_id", "")),
            guid=str(raw.get("guid") or ""),
            frames=tuple(as_frame(f) for f in frames),
            state=GameState.parse(raw.get("state")),
            levels_completed=int(raw.get("levels_completed") or 0),
            win_levels=int(raw.get("win_levels") or 0),
            available_actions=tuple(int(a) for a in raw.get("available_actions") or ()),
            action_input=ActionInput.from_json(raw.get("action_input")),
            full_reset=bool(raw.get("full_reset", False)),
        )


@dataclass(frozen=True)
class GameInfo:
    """One entry of GET /api/games (local directories add tags, baselines and the class name)."""

    game_id: str
    title: str | None = None
    tags: tuple[str, ...] = ()
    baseline_actions: tuple[int, ...] = ()
    class_name: str | None = None
    default_fps: int | None = None

    @property
    def name(self) -> str:
        """The 4-character id without the version ("ls20" of "ls20-9607627b")."""
        return self.game_id.split("-", 1)[0]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> GameInfo:
        return cls(
            game_id=str(raw["game_id"]),
            title=raw.get("title"),
            tags=tuple(raw.get("tags") or ()),
            baseline_actions=tuple(int(b) for b in raw.get("baseline_actions") or ()),
            class_name=raw.get("class_name"),
            default_fps=raw.get("default_fps"),
        )


@dataclass(frozen=True)
class EnvironmentScore:
    """One run (one guid) of one game on a scorecard, as the official scorer computes it.

    `score` and `level_scores` are in percent (0..115 per level), as the toolkit reports them.
    """

    id: str | None
    guid: str | None
    score: float
    levels_completed: int
    actions: int
    resets: int = 0
    state: GameState = GameState.UNKNOWN
    completed: bool = False
    level_scores: tuple[float, ...] = ()
    level_actions: tuple[int, ...] = ()
    level_baseline_actions: tuple[int, ...] = ()
    message: str | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> EnvironmentScore:
        return cls(
            id=raw.get("id"),
            guid=raw.get("guid"),
            score=float(raw.get("score") or 0.0),
            levels_completed=int(raw.get("levels_completed") or 0),
            actions=int(raw.get("actions") or 0),
            resets=int(raw.get("resets") or 0),
            state=GameState.parse(raw.get("state")),
            completed=bool(raw.get("completed") or False),
            level_scores=tuple(float(s) for s in raw.get("level_scores") or ()),
            level_actions=tuple(int(a) for a in raw.get("level_actions") or ()),
            level_baseline_actions=tuple(int(b) for b in raw.get("level_baseline_actions") or ()),
            message=raw.get("message"),
        )


@dataclass(frozen=True)
class EnvironmentScoreList:
    """All runs of one game on a scorecard; the game's score is its best run."""

    id: str
    runs: tuple[EnvironmentScore, ...]

    @property
    def score(self) -> float:
        return max((r.score for r in self.runs), default=0.0)

    @property
    def levels_completed(self) -> int:
        return max((r.levels_completed for r in self.runs), default=0)

    @property
    def actions(self) -> int:
        return sum(r.actions for r in self.runs)

    @property
    def completed(self) -> bool:
        return any(r.completed for r in self.runs)

    @property
    def level_count(self) -> int:
        return max((len(r.level_scores) for r in self.runs), default=0)

    @property
    def resets(self) -> int:
        return sum(r.resets for r in self.runs)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> EnvironmentScoreList:
        return cls(id=str(raw["id"]), runs=tuple(EnvironmentScore.from_json(r) for r in raw.get("runs") or ()))


@dataclass(frozen=True)
class ScorecardSummary:
    """The scorecard as GET /api/scorecard/{card_id} and POST /api/scorecard/close return it."""

    card_id: str
    score: float
    environments: tuple[EnvironmentScoreList, ...] = ()
    tags: tuple[str, ...] = ()
    source_url: str | None = None
    opaque: Any = None
    competition_mode: bool = False
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def total_levels_completed(self) -> int:
        return sum(e.levels_completed for e in self.environments)

    @property
    def total_actions(self) -> int:
        return sum(e.actions for e in self.environments)

    @property
    def games_won(self) -> int:
        return sum(1 for e in self.environments if e.completed)

    def environment(self, game_id: str) -> EnvironmentScoreList | None:
        """The entry of a game, by full id or by its 4-character prefix."""
        for env in self.environments:
            if env.id == game_id or env.id.split("-", 1)[0] == game_id:
                return env
        return None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ScorecardSummary:
        return cls(
            card_id=str(raw.get("card_id", "")),
            score=float(raw.get("score") or 0.0),
            environments=tuple(EnvironmentScoreList.from_json(e) for e in raw.get("environments") or ()),
            tags=tuple(raw.get("tags") or ()),
            source_url=raw.get("source_url"),
            opaque=raw.get("opaque"),
            competition_mode=bool(raw.get("competition_mode") or False),
            raw=dict(raw),
        )
