"""aria-online: ARIA's systems that need no checkpoint, for games unlike anything trained on.

The slow system is the graph planner (`GraphExplorer`); the fast system is the model it learns online
from this game's own transitions (`agent.online.OnlineLearner`), which picks among the untried actions
of the current state whenever the arbiter's test in `OnlineLearner.trusted` passes. `AriaAgent` hands
novel games to the same pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.base import Action, Agent
from agent.explorer import GraphExplorer
from agent.online import OnlineLearner
from arc_client.types import FrameResponse, GameInfo

if TYPE_CHECKING:
    from agent.models.fast_policy import FastPolicy


def online_explorer(seed: int, policy: FastPolicy | None = None) -> GraphExplorer:
    """The planner with the online model, ordering untried moves by how earlier levels were won too;
    with `policy`, the model's chances are averaged with that policy's, fine-tuned on this game
    (`agent.online_cnn`, `aria-cnn`)."""
    cnn = None
    if policy is not None:
        from agent.online_cnn import OnlineCNN  # torch: only where a policy is tuned

        cnn = OnlineCNN(policy, seed=seed)
    return GraphExplorer(seed=seed, learner=OnlineLearner(seed=seed, cnn=cnn), win_bonus=0.05)


class AriaOnlineAgent(Agent):
    name = "aria-online"

    def __init__(self, seed: int = 0, **options: Any) -> None:
        super().__init__(seed, **options)
        self.explorer = online_explorer(seed)

    def start(self, game: GameInfo, first: FrameResponse) -> None:
        self.explorer = online_explorer(self.seed)

    def act(self, latest: FrameResponse) -> Action:
        return self.explorer.choose(latest)

    def observe(self, action: Action, result: FrameResponse) -> None:
        self.explorer.record(action, result)

    def stats(self) -> dict[str, Any]:
        learner = self.explorer.learner
        extra = {} if learner is None else {"online_accuracy": round(learner.accuracy, 3),
                                            "online_samples": learner.samples, "goals": dict(learner.rules.goals)}
        return {**self.explorer.stats(), **extra}
