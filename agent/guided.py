"""The slow system on familiar levels: a best-first search over the level's exact transition graph,
ordered by the fast policy's probabilities and pruned by the world model.

Every state of the level gets a ranked list of moves: the available key actions with the policy's
probability, and clicks, one per single-colour component of the frame (its most likely cell), with
the policy's click probability times the click map's mass on that component (so clicks on the same
component are one move, as the graph explorer merges them by object). The world model predicts each
untried move of the current state in one batched pass; moves it expects to change nothing or to end
the game are pruned, and a move it expects to complete the level goes first.

Deliberation is then a best-first search over the real graph (`agent.explorer.GraphExplorer`'s, which
learns from every transition whichever system acted): a move already tried from a state is never
sent again there (the graph knows where it leads), so a loop or a wall costs one action, not many;
among the untried moves here the policy's favourite wins, unless a known state `d` steps away has an
untried move whose probability times `decay ** d` is higher, in which case the shortest known path
leads there. When no state within reach has an untried move, the caller falls back (None).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from agent.explorer import GraphExplorer
from agent.frames import label_components
from agent.models.encoding import frames_tensor
from agent.models.policy_runtime import FastProposal
from arc_client.types import FrameResponse

Move = tuple[int, int, int]  # (action id, x, y); x = y = -1 unless a click
CLICK = 6
NO_XY = -1


@dataclass(frozen=True)
class GuidedChoice:
    move: Move
    probability: float  # the policy's probability of the move at the state it is tried from
    distance: int  # known steps to that state (0: here)
    pruned: int  # moves here the world model expected to do nothing or to end the game
    why: str


def ranked_moves(frame: np.ndarray, fast: FastProposal, available: tuple[int, ...],
                 max_clicks: int = 6) -> list[tuple[Move, float]]:
    """The policy's moves for `frame`, most likely first: key actions, and clicks merged per component."""
    moves = [((a, NO_XY, NO_XY), float(fast.probs[a - 1])) for a in available if a != CLICK and 1 <= a <= 7]
    if CLICK in available and fast.heatmap is not None:
        labels = np.unique(label_components(frame), return_inverse=True)[1].ravel()
        heat = fast.heatmap.ravel()
        mass = np.bincount(labels, weights=heat)
        p_click = float(fast.probs[CLICK - 1])
        for component in np.argsort(-mass)[:max_clicks]:
            cells = np.flatnonzero(labels == component)
            y, x = divmod(int(cells[np.argmax(heat[cells])]), frame.shape[1])
            moves.append(((CLICK, x, y), p_click * float(mass[component])))
    moves.sort(key=lambda m: -m[1])
    return moves


class GuidedSearch:
    def __init__(self, explorer: GraphExplorer, world_model_runtime: object | None, decay: float = 0.5,
                 max_clicks: int = 6) -> None:
        self.explorer = explorer
        self.runtime = world_model_runtime
        self.decay = decay
        self.max_clicks = max_clicks
        self.ranks: dict[bytes, list[tuple[Move, float]]] = {}  # per state key of this level
        self.level = -1
        self.target: bytes | None = None

    def see(self, latest: FrameResponse, fast: FastProposal) -> bytes:
        """Make `latest` the graph's current state and remember the policy's ranking there."""
        if latest.levels_completed != self.level:
            self.level = latest.levels_completed
            self.ranks.clear()
            self.target = None
        key = self.explorer.see(latest)
        if key not in self.ranks:
            self.ranks[key] = ranked_moves(latest.frame, fast, tuple(latest.available_actions), self.max_clicks)
        return key

    def _untried(self, key: bytes) -> list[tuple[Move, float]]:
        node = self.explorer.graph.nodes.get(key)
        ranks = self.ranks.get(key, [])
        if node is None:
            return ranks
        budget = self.explorer.graph.budget
        return [(m, p) for m, p in ranks if node.is_untried(m, self.explorer.max_deaths, budget)]

    @torch.inference_mode()
    def _prune(self, key: bytes, frame: np.ndarray) -> int:
        """Drop this state's untried moves the world model expects to change nothing or to end the game;
        a move it expects to complete the level goes first. Answers how many were dropped."""
        untried = self._untried(key)
        if self.runtime is None or not untried:
            return 0
        moves = [m for m, _ in untried]
        n = len(moves)
        nxt, outcome, _ = self.runtime.predict(  # type: ignore[attr-defined]
            frames_tensor(frame).expand(n, -1, -1), torch.tensor([m[0] - 1 for m in moves]),
            torch.tensor([m[1] for m in moves]), torch.tensor([m[2] for m in moves]))
        explorer = self.explorer
        here = explorer.state_key(frame)
        dropped, boosted = set(), set()
        for i, move in enumerate(moves):
            if float(outcome[i, 1]) > 0.5:
                boosted.add(move)
            elif float(outcome[i, 2]) > 0.5 or explorer.state_key(nxt[i].numpy().astype(np.uint8)) == here:
                dropped.add(move)
        if len(dropped) == n:  # the model may be wrong everywhere: keep the ranking as it is
            dropped.clear()
        ranks = [(m, 1.0 + p if m in boosted else p) for m, p in self.ranks[key] if m not in dropped]
        self.ranks[key] = sorted(ranks, key=lambda mp: -mp[1])
        return len(dropped)

    def _frontier(self, origin: bytes) -> tuple[float, list[Move], bytes] | None:
        """The best (discounted probability, path, state) among known states reachable from `origin`
        that still have an untried move."""
        best: tuple[float, list[Move], bytes] | None = None
        for state, path in self._reachable(origin):
            worth = self.decay ** len(path)
            if best is not None and 2.0 * worth <= best[0]:
                break  # a deeper state cannot beat it (a score is at most 2: 1 + p when boosted)
            untried = self._untried(state)
            if untried and (best is None or untried[0][1] * worth > best[0]):
                best = (untried[0][1] * worth, path, state)
        return best

    def _reachable(self, origin: bytes) -> Iterator[tuple[bytes, list[Move]]]:
        """Known states by breadth-first search over the graph's reliable edges, with the path to each."""
        parents: dict[bytes, tuple[bytes, Move] | None] = {origin: None}
        queue = deque([origin])
        while queue:
            key = queue.popleft()
            for nxt, move in self.explorer.successors(key):
                if nxt in parents:
                    continue
                parents[nxt] = (key, move)
                path: list[Move] = []
                step = nxt
                while (parent := parents[step]) is not None:
                    path.append(parent[1])
                    step = parent[0]
                yield nxt, path[::-1]
                queue.append(nxt)

    def choose(self, latest: FrameResponse, fast: FastProposal) -> GuidedChoice | None:
        key = self.see(latest, fast)
        pruned = self._prune(key, latest.frame) if self.target is None or self.target == key else 0
        if self.target == key:
            self.target = None
        untried = self._untried(key)
        here = untried[0] if untried else None
        if self.target is not None:
            route = self._route_to(key, self.target)
            if route:
                return GuidedChoice(route[0], 0.0, len(route), pruned,
                                    f"on the known path to a state with an untried move, {len(route)} steps away")
            self.target = None
        far = self._frontier(key)
        if here is not None and (far is None or here[1] >= far[0]):
            move, p = here
            what = "the world model expects it to complete the level" if p > 1 else f"p={p:.2f}"
            return GuidedChoice(move, p, 0, pruned, f"the policy's best move not yet tried here ({what})")
        if far is None:
            return None
        _, path, state = far
        self.target = state if len(path) > 1 else None
        return GuidedChoice(path[0], 0.0, len(path), pruned,
                            f"every likely move here tried: the known path to a state with an untried move "
                            f"({len(path)} steps)")

    def _route_to(self, origin: bytes, target: bytes) -> list[Move] | None:
        return next((path for state, path in self._reachable(origin) if state == target), None)
