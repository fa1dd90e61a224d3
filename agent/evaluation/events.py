"""What a running evaluation tells its listeners: small, typed, in order.

`run_eval(config, on_event)` calls `on_event` on the event loop's thread with one of these. The CLI
draws a table from them and the app its screens; nothing in the run depends on who listens. When
nobody listens (`on_event=None`), or the listener says `wants_decisions = False` (the CLI's table),
`DecisionMade` events are not even built, so a headless run pays nothing for the live view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.decision import Decision
from arc_client.types import FrameResponse, GameAction, ScorecardSummary

if TYPE_CHECKING:
    from agent.evaluation.harness import GameRow


@dataclass(frozen=True)
class RunOpened:
    """The scorecard is open; `rows` are the run's live rows (updated in place as games play)."""

    card_id: str
    agent: str
    game_ids: tuple[str, ...]
    backend: str
    source: str
    rows: tuple[GameRow, ...] = ()


@dataclass(frozen=True)
class GameStarted:
    game_id: str
    guid: str
    frame: FrameResponse
    row: GameRow


@dataclass(frozen=True)
class DecisionMade:
    """One step: the action sent (`step` counts from 1), the agent's decision and the answer."""

    game_id: str
    step: int
    action: GameAction
    x: int | None
    y: int | None
    decision: Decision | None
    frame: FrameResponse


@dataclass(frozen=True)
class GameUpdated:
    """A row changed (sent a few times a second per game, and at every level-up)."""

    row: GameRow


@dataclass(frozen=True)
class GameEnded:
    row: GameRow


@dataclass(frozen=True)
class RunClosed:
    """The scorecard is closed; `results` is what results.json holds (None if it was not written)."""

    summary: ScorecardSummary | None
    rows: tuple[GameRow, ...]
    interrupted: bool
    results: dict[str, Any] | None = None


EvalEvent = RunOpened | GameStarted | DecisionMade | GameUpdated | GameEnded | RunClosed
EventSink = Callable[[EvalEvent], None]
