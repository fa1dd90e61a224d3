"""The Agent interface: observe a frame response, return an action (with optional reasoning).

Third-party agents register under the entry-point group `aria.agents`:

    [project.entry-points."aria.agents"]
    mine = "my_package.my_module:MyAgent"

and are then usable as `aria eval --arc --agent mine`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from agent.decision import Decision
from arc_client.types import FrameResponse, GameAction, GameInfo


@dataclass(frozen=True)
class Action:
    """What an agent answers: an action, click coordinates for ACTION6, and optional reasoning.

    `reasoning` is sent to the server (any JSON, at most 16 KiB). `decision` stays local: it goes to
    the recording under `data["aria"]["decision"]` and to live views (which system chose, and why).
    """

    action: GameAction
    x: int | None = None
    y: int | None = None
    reasoning: Any = None
    decision: Decision | None = None

    def __post_init__(self) -> None:
        # numpy integers from a policy's argmax must not reach the JSON encoder of the backend
        if self.x is not None:
            object.__setattr__(self, "x", int(self.x))
        if self.y is not None:
            object.__setattr__(self, "y", int(self.y))


class Agent(ABC):
    """One instance plays one game instance. The harness calls, in order:

    `start(game, first)` once, then `act(latest)` until the game is won or the budget is spent, with
    `observe(action, result)` after every answer so learning agents see the result of every action
    sent, including a RESET the harness sent in the agent's place (`action.decision.system ==
    "harness"`). The harness calls them from a worker thread, never on the event loop (unless the
    agent sets `runs_inline`), so an agent may think for as long as it likes without freezing other
    games or a live view.
    """

    #: shown in tables and saved in results.json
    name: str = "agent"
    #: whether the constructor takes `checkpoint=<path>` (trained weights)
    loads_checkpoints: bool = False
    #: True only for agents whose every call takes microseconds (the random baseline): the harness
    #: then calls them on the event loop, since a trip to a worker thread (~40-170 µs measured here)
    #: would cost more than the agent and the game's step together. Everything else runs off the loop.
    runs_inline: bool = False

    def __init__(self, seed: int = 0, **options: Any) -> None:
        self.seed = seed
        self.options = options

    def start(self, game: GameInfo, first: FrameResponse) -> None:  # noqa: B027 - optional hook
        """A new game instance begins; `first` is the answer to the creating RESET."""

    @abstractmethod
    def act(self, latest: FrameResponse) -> Action:
        """Choose the next action given the latest frame response."""

    def observe(self, action: Action, result: FrameResponse) -> None:  # noqa: B027 - optional hook
        """The result of `action`; learning agents update here."""

    def stats(self) -> dict[str, Any]:
        """Figures for results.json (e.g. {"states": 120}); empty if none. The fast share is counted
        by the harness from decisions, not here."""
        return {}
