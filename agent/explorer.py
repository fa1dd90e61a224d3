"""GraphExplorer: ARIA's slow system, a training-free systematic explorer of the transition graph.

While playing it builds a graph per level: nodes are settled frames with HUD areas masked
(`agent.frames`), edges are (state, action) with counts of the states that followed. Transitions are
observations, not laws: the same masked frame and action may lead to different states (hidden counters,
animations), so every outcome is counted, plans follow the most frequent one and re-plan when the game
disagrees. The policy, in order:

1. an untried action in the current state that action priors say tends to do something;
2. a path (BFS over reliable edges) to the nearest state that still has such an action;
3. any untried action here, then a path to the nearest state with any untried action;
4. a retry of an action whose one result was "no change" (hidden state may have changed since);
5. a random candidate, also taken when many steps pass without discovering anything (loop guard).

Click candidates are objects (`agent.perception`): one pixel per sprite, textures and HUD left out,
ranked by what clicking such sprites did so far in this game (`ClickRanker`).
On GAME_OVER it sends RESET (the level restarts; the graph is kept). A new level gets a new graph and
a fresh HUD detector (layouts change between levels); the action priors (which action kinds change
the state) and the click ranker carry over.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agent.base import Action
from agent.decision import Decision, Proposal
from agent.frames import StatusBarDetector, state_key
from agent.perception import ClickRanker, Signature, click_candidates, effect_of, segment
from arc_client.types import FrameResponse, GameAction, GameState

#: (action id, x, y); x = y = -1 unless the action is ACTION6
ActionKey = tuple[int, int, int]
LEVEL_UP = b"level-up"  # the effect recorded for a click that completed a level
NO_XY = -1
KEY_ACTIONS = (1, 2, 3, 4, 5, 7)
# mask re-checks: often at first, then rarely, since a new mask makes every state key new
MASK_CHECKPOINTS = frozenset({6, 12, 24, 48, 96, 192, 384, 768})


def key_of_action(action: Action) -> ActionKey:
    if action.action is GameAction.ACTION6 and action.x is not None and action.y is not None:
        return (int(action.action), int(action.x), int(action.y))
    return (int(action.action), NO_XY, NO_XY)


EXPLORER_REASONS = {
    "untried": "an action not yet tried in this state",
    "plan": "on the shortest known path to a state with untried actions",
    "retry": "trying again an action whose outcome may vary",
    "random": "every known action tried; a random one",
}


@dataclass
class Edge:
    """What followed one (state, action) each time it was tried.

    GAME_OVER is counted apart: in games with a step budget it usually says "the budget ran out on this
    action", not "this action kills"; the edge stays worth trying until it ended the game `max_deaths` times.
    """

    tries: int = 0
    outcomes: Counter[bytes] = field(default_factory=Counter)
    game_overs: int = 0

    def likely(self) -> tuple[bytes, float]:
        """The most frequent next state and the share of tries that led there."""
        key, count = self.outcomes.most_common(1)[0]
        return key, count / self.tries


@dataclass
class Node:
    """One masked state: its candidate actions (most salient first) and what trying them did."""

    candidates: list[ActionKey]
    click_signature: dict[ActionKey, tuple[Signature, ...]]
    edges: dict[ActionKey, Edge] = field(default_factory=dict)
    visits: int = 0

    def is_untried(self, action: ActionKey, max_deaths: int) -> bool:
        edge = self.edges.get(action)
        return edge is None or (edge.tries == 0 and edge.game_overs < max_deaths)

    def untried(self, max_deaths: int) -> list[ActionKey]:
        return [a for a in self.candidates if self.is_untried(a, max_deaths)]


@dataclass
class LevelGraph:
    nodes: dict[bytes, Node] = field(default_factory=dict)
    start: bytes | None = None


class ActionPriors:
    """Which kinds of action tend to change the state, per action id (clicks: per sprite, in
    `ClickRanker`). Beta(1, 1) means, so an action kind never tried scores 0.5. They survive level
    changes.
    """

    def __init__(self) -> None:
        self.by_action: dict[int, list[int]] = {}

    def update(self, action: ActionKey, changed: bool) -> None:
        counts = self.by_action.setdefault(action[0], [0, 0])
        counts[0] += 1
        counts[1] += int(changed)

    def score(self, action: ActionKey) -> float:
        tries, changes = self.by_action.get(action[0], (0, 0))
        return (changes + 1) / (tries + 2)


class GraphExplorer:
    """Chooses actions by systematic exploration of the graph seen so far (see the module doc)."""

    def __init__(
        self,
        seed: int = 0,
        max_clicks: int = 48,
        useful_prior: float = 0.15,
        max_retries: int = 2,
        max_deaths: int = 2,
        patience: int = 200,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.max_clicks = max_clicks
        self.useful_prior = useful_prior
        self.max_retries = max_retries
        self.max_deaths = max_deaths
        self.patience = patience
        self.priors = ActionPriors()
        self.ranker = ClickRanker()
        self.detector = StatusBarDetector()
        self.mask = self.detector.mask()
        self.graphs: dict[int, LevelGraph] = {}
        self.level = 0
        self.graph = LevelGraph()
        self.current: bytes | None = None
        self.frame: np.ndarray | None = None
        self.last_seen: FrameResponse | None = None
        self.pending: tuple[bytes, ActionKey] | None = None
        self.plan: deque[tuple[bytes, ActionKey, bytes]] = deque()
        self.since_progress = 0
        self.counts: Counter[str] = Counter()
        self.states_seen = 0

    # -- state bookkeeping ------------------------------------------------------------------------
    def _node(self, key: bytes, response: FrameResponse) -> Node:
        node = self.graph.nodes.get(key)
        if node is None:
            available = tuple(response.available_actions) or (1, 2, 3, 4, 5, 6)
            candidates: list[ActionKey] = [(a, NO_XY, NO_XY) for a in KEY_ACTIONS if a in available]
            signatures: dict[ActionKey, tuple[Signature, ...]] = {}
            if GameAction.ACTION6 in available:
                objects = segment(response.frame, self.mask)
                for t in click_candidates(objects, self.ranker, self.max_clicks):
                    action = (int(GameAction.ACTION6), t.x, t.y)
                    candidates.append(action)
                    signatures[action] = t.signature
            node = Node(candidates, signatures)
            self.graph.nodes[key] = node
            self.states_seen += 1
            self.since_progress = 0
        return node

    def _enter_level(self, level: int) -> None:
        self.graphs[self.level] = self.graph
        self.level = level
        self.graph = self.graphs.get(level) or LevelGraph()
        self.plan.clear()
        # the HUD may move with the level's layout: learn it afresh, keeping the old mask meanwhile
        self.detector = StatusBarDetector(self.detector.shape)

    def _sync(self, response: FrameResponse) -> None:
        """Make `response` the current state (first frame, after RESET or a level change)."""
        if response.levels_completed != self.level:
            self._enter_level(response.levels_completed)
        self.frame = response.frame
        self.current = state_key(response.frame, self.mask)
        self._node(self.current, response)
        if self.graph.start is None:
            self.graph.start = self.current
        self.last_seen = response

    # -- choosing ---------------------------------------------------------------------------------
    def _score(self, node: Node, action: ActionKey) -> float:
        score = self.priors.score(action)
        signature = node.click_signature.get(action)
        return score if signature is None else min(score, self.ranker.score(signature))

    def _best_untried(self, node: Node, useful_only: bool) -> ActionKey | None:
        best, best_score = None, -1.0
        for action in node.candidates:  # the ranker's order breaks ties
            if not node.is_untried(action, self.max_deaths):
                continue
            score = self._score(node, action)
            if useful_only and score < self.useful_prior:
                continue
            if score > best_score:
                best, best_score = action, score
        return best

    def _successors(self, key: bytes, node: Node) -> list[tuple[bytes, ActionKey]]:
        """Edges a plan may follow: they usually lead somewhere else and rarely end the game."""
        out = []
        for action, edge in node.edges.items():
            if edge.tries == 0 or edge.game_overs > edge.tries:
                continue
            nxt, share = edge.likely()
            if nxt != key and share >= 0.5 and nxt in self.graph.nodes:
                out.append((nxt, action))
        return out

    def _plan_to(self, goal_test: Any) -> deque[tuple[bytes, ActionKey, bytes]] | None:
        """BFS from the current state to the nearest other state passing `goal_test(key, node)`."""
        assert self.current is not None
        parents: dict[bytes, tuple[bytes, ActionKey] | None] = {self.current: None}
        queue = deque([self.current])
        while queue:
            key = queue.popleft()
            for nxt, action in self._successors(key, self.graph.nodes[key]):
                if nxt in parents:
                    continue
                parents[nxt] = (key, action)
                if goal_test(nxt, self.graph.nodes[nxt]):
                    path: deque[tuple[bytes, ActionKey, bytes]] = deque()
                    step = nxt
                    while (parent := parents[step]) is not None:
                        path.appendleft((parent[0], parent[1], step))
                        step = parent[0]
                    return path
                queue.append(nxt)
        return None

    def _choose_key(self, node: Node) -> tuple[ActionKey, str]:
        assert self.current is not None
        if self.since_progress > self.patience:
            # stuck in a loop: a random move now, and every patience/2 moves until something new turns up
            self.since_progress = self.patience // 2
            return node.candidates[int(self.rng.integers(len(node.candidates)))], "random"
        if self.plan and self.plan[0][0] == self.current:
            return self.plan.popleft()[1], "plan"
        self.plan.clear()
        action = self._best_untried(node, useful_only=True)
        if action is not None:
            return action, "untried"
        path = self._plan_to(lambda k, n: self._best_untried(n, useful_only=True) is not None)
        if path is None:
            action = self._best_untried(node, useful_only=False)
            if action is not None:
                return action, "untried"
            path = self._plan_to(lambda k, n: bool(n.untried(self.max_deaths)))
        if path is None:
            action = self._retry_here(node)
            if action is not None:
                return action, "retry"
            path = self._plan_to(lambda k, n: self._retry_at(k, n) is not None)
        if path is not None:
            self.plan = path
            return self.plan.popleft()[1], "plan"
        return node.candidates[int(self.rng.integers(len(node.candidates)))], "random"

    def _retry_at(self, key: bytes, node: Node) -> ActionKey | None:
        for action in node.candidates:
            edge = node.edges.get(action)
            if edge is not None and 0 < edge.tries < self.max_retries and set(edge.outcomes) == {key}:
                return action
        return None

    def _retry_here(self, node: Node) -> ActionKey | None:
        assert self.current is not None
        return self._retry_at(self.current, node)

    def choose(self, latest: FrameResponse) -> Action:
        """The next action for `latest` (RESET when the game is over or not started)."""
        if latest.state in (GameState.GAME_OVER, GameState.NOT_PLAYED, GameState.NOT_STARTED, GameState.WIN):
            self.pending = None
            self.plan.clear()
            return Action(GameAction.RESET, decision=Decision("slow", "reset", reason=f"state {latest.state.value}"))
        if latest is not self.last_seen:
            self._sync(latest)
        assert self.current is not None
        node = self.graph.nodes[self.current]
        node.visits += 1
        if not node.candidates:
            self.pending = None
            return Action(GameAction.RESET, decision=Decision("slow", "reset", reason="no actions left to try here"))
        action, mode = self._choose_key(node)
        self.pending = (self.current, action)
        self.counts[mode] += 1
        game_action = GameAction(action[0])
        x, y = (action[1], action[2]) if game_action is GameAction.ACTION6 else (None, None)
        decision = Decision("slow", mode, novelty=1.0 / node.visits, plan_left=len(self.plan),
                            slow=Proposal(game_action.name, x, y), reason=EXPLORER_REASONS.get(mode, mode),
                            extra={"states": len(self.graph.nodes)})
        return Action(game_action, x=x, y=y, decision=decision)

    # -- learning ---------------------------------------------------------------------------------
    def record(self, action: Action, result: FrameResponse) -> None:
        """Count what `action` did; called with every result, RESETs included."""
        pending, self.pending = self.pending, None
        if pending is None and self.current is not None and action.action is not GameAction.RESET:
            # an action this explorer did not choose (the fast policy's): learn from it all the same
            pending = (self.current, key_of_action(action))
        if action.action is GameAction.RESET or pending is None or self.frame is None:
            self.counts["resets"] += int(action.action is GameAction.RESET)
            self.plan.clear()
            if result.state not in (GameState.GAME_OVER, GameState.WIN):
                self._sync(result)
            self.last_seen = result
            return
        before_key, action_key = pending
        node = self.graph.nodes[before_key]
        signature = node.click_signature.get(action_key)
        if node.is_untried(action_key, self.max_deaths):
            self.since_progress = 0
        else:
            self.since_progress += 1
        edge = node.edges.setdefault(action_key, Edge())
        if result.levels_completed > self.level:
            self.priors.update(action_key, changed=True)
            if signature is not None:
                self.ranker.update(signature, LEVEL_UP)
            self.counts["levels"] += 1
            self._sync(result)
            return
        if result.state is GameState.GAME_OVER:
            edge.game_overs += 1
            self.counts["game_overs"] += 1
            self.plan.clear()
            self.last_seen = result
            return
        if result.state is GameState.WIN:
            self.last_seen = result
            return
        self.detector.observe(self.frame, result.frame, action_key[0])
        if self.detector.transitions in MASK_CHECKPOINTS and self._update_mask():
            self._sync(result)
            return
        after_key = state_key(result.frame, self.mask)
        edge.tries += 1
        edge.outcomes[after_key] += 1
        changed = after_key != before_key
        self.priors.update(action_key, changed)
        if signature is not None:
            self.ranker.update(signature, effect_of(self.frame, result.frame, self.mask))
        if self.plan and self.plan[0][0] != after_key:
            self.plan.clear()  # the game disagreed with the plan's expectation: re-plan
        self._sync(result)

    def _update_mask(self) -> bool:
        """Adopt a new HUD mask; every state key changes, so this level's graph starts again."""
        mask = self.detector.mask()
        if np.array_equal(mask, self.mask):
            return False
        self.mask = mask
        self.graph = LevelGraph()
        self.graphs.pop(self.level, None)
        self.plan.clear()
        self.counts["mask_changes"] += 1
        return True

    def stats(self) -> dict[str, Any]:
        edges = sum(len(n.edges) for n in self.graph.nodes.values())
        return {
            "states_seen": self.states_seen,
            "graph_states": len(self.graph.nodes),
            "graph_edges": edges,
            "masked_cells": int(self.mask.sum()),
            **{f"decisions_{k}": v for k, v in sorted(self.counts.items()) if k in {"untried", "plan", "retry", "random"}},
            "resets": self.counts["resets"],
            "game_overs": self.counts["game_overs"],
        }
