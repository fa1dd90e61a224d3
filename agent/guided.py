"""The slow system on familiar levels: a best-first search over the level's exact transition graph,
ordered by the fast policy's probabilities and pruned by the world model.

Every state of the level gets a ranked list of moves: the available key actions with the policy's
probability, and clicks, one per single-colour component of the frame (its most likely cell), with
the policy's click probability times the click map's mass on that component (clicks on one component
are one move, as the graph explorer merges them by object). The world model predicts each untried
move of the current state in one batched pass; moves it expects to change nothing or to end the game
are pruned, and a move it expects to complete the level goes first.

Deliberation is then a best-first search over the real graph (`LevelMap`, fed every transition
whichever system acted): a move already tried from a state is not sent again there (the graph knows
where it leads), so a wall or a loop costs one action, not many; among the untried moves here the
policy's favourite wins, unless a known state `d` steps away has an untried move whose probability
times `decay ** d` is higher, in which case the shortest known path leads there. When no known state
has an untried move left, the policy's distribution is sampled over the moves that did something.

The map keys states with HUD lines masked (`LevelMap`): a step-budget bar would make every frame new,
and a wall bump would look like progress. A game over is remembered with the number of actions the
attempt had taken; one the level's step budget explains (`agent.explorer.within_budget`, the budget as
the graph explorer inferred it) blames no move, so the move the budget ran out on stays untried and
plannable in the next attempt. A move that ended the game otherwise, at least as often as it led on,
is not planned through.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from agent.explorer import within_budget
from agent.frames import StatusBarDetector, label_components, state_key
from agent.models.encoding import frames_tensor
from agent.models.policy_runtime import FastProposal
from arc_client.types import FrameResponse, GameState

Move = tuple[int, int, int]  # (action id, x, y); x = y = -1 unless a click
CLICK = 6
NO_XY = -1
DEATH = b"game-over:"  # an outcome key: DEATH + the attempt's action count when the game ended


def death_step(outcome: bytes) -> int | None:
    """The attempt's action count of a game-over outcome; None for a state."""
    return int(outcome[len(DEATH):]) if outcome.startswith(DEATH) else None


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


@dataclass
class LevelMap:
    """The level's transitions, keyed by frames with HUD lines masked, re-keyed when the mask changes.

    The HUD lines are a `StatusBarDetector`'s, asked after every transition from the fourth on (the
    explorer asks at a few checkpoints, the sixth transition first): until a step-budget bar is
    masked every frame is new, and a wall bump or a repeated useless click looks like progress. A line
    taken for a bar by mistake (a player walking one way) is dropped, and the graph re-keyed, as soon
    as the detector's rates say so.
    """

    transitions: list[tuple[np.ndarray, Move, np.ndarray | None, int]] = field(default_factory=list)
    edges: dict[bytes, dict[Move, Counter[bytes]]] = field(default_factory=dict)
    detector: StatusBarDetector = field(default_factory=lambda: StatusBarDetector(min_transitions=4))
    mask: np.ndarray = field(default_factory=lambda: np.zeros((64, 64), dtype=bool))
    budget: int | None = None  # the level's step budget, as far as it is known

    def _blamed(self, outcome: bytes) -> bool:
        """A game over no known step budget explains."""
        step = death_step(outcome)
        return step is not None and not within_budget(step, self.budget)

    def _led(self, outcomes: Counter[bytes]) -> Counter[bytes]:
        return Counter({k: n for k, n in outcomes.items() if not k.startswith(DEATH)})

    def key(self, frame: np.ndarray) -> bytes:
        return state_key(frame, self.mask)

    def record(self, before: np.ndarray, move: Move, after: np.ndarray | None, step: int = 0) -> bool:
        """One transition (`after` None: it ended the game, `step` actions into the attempt); True when
        the mask changed (keys changed)."""
        self.transitions.append((before, move, after, step))
        if after is not None:
            self.detector.observe(before, after, move[0])
            mask = self.detector.mask()
            if not np.array_equal(mask, self.mask):
                self.mask = mask
                self.edges.clear()
                for b, m, a, n in self.transitions:
                    self._add(b, m, a, n)
                return True
        self._add(before, move, after, step)
        return False

    def _add(self, before: np.ndarray, move: Move, after: np.ndarray | None, step: int) -> None:
        outcomes = self.edges.setdefault(self.key(before), {}).setdefault(move, Counter())
        outcomes[DEATH + str(step).encode() if after is None else self.key(after)] += 1

    def tried(self, key: bytes, move: Move) -> bool:
        """The move's outcome from `key` is known: it led somewhere, or ended the game unexplained."""
        outcomes = self.edges.get(key, {}).get(move)
        return outcomes is not None and any(death_step(k) is None or self._blamed(k) for k in outcomes)

    def results(self, key: bytes, move: Move) -> set[bytes]:
        """The states `move` led to from `key` (game overs left out)."""
        return set(self._led(self.edges.get(key, {}).get(move, Counter())))

    def successors(self, key: bytes) -> list[tuple[bytes, Move]]:
        """Where the moves tried from `key` usually lead (elsewhere; not a move that ended the game,
        the budget aside, at least as often as it led on)."""
        out = []
        for move, outcomes in self.edges.get(key, {}).items():
            led = killed = count = 0
            nxt = b""
            for outcome, n in outcomes.items():  # one pass: this runs for every state a search reaches
                if outcome.startswith(DEATH):
                    killed += n if self._blamed(outcome) else 0
                else:
                    led += n
                    if n > count:
                        nxt, count = outcome, n
            if led and killed < led and nxt != key and 2 * count >= led:
                out.append((nxt, move))
        return out

    def reachable(self, origin: bytes) -> Iterator[tuple[bytes, list[Move]]]:
        """Known states in breadth-first order from `origin`, with the moves that lead to each."""
        parents: dict[bytes, tuple[bytes, Move] | None] = {origin: None}
        queue = deque([origin])
        while queue:
            key = queue.popleft()
            for nxt, move in self.successors(key):
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


@dataclass
class _Seen:
    """A state of the level: its frame, and the policy's ranking of its moves, computed when the search
    first needs it (a state the fast policy leaves at once never pays for its click components)."""

    frame: np.ndarray
    fast: FastProposal | Callable[[], FastProposal]  # (or the call that makes it: made when first needed)
    available: tuple[int, ...]
    ranking: list[tuple[Move, float]] | None = None

    def moves(self, max_clicks: int) -> list[tuple[Move, float]]:
        if self.ranking is None:
            fast = self.fast() if callable(self.fast) else self.fast
            self.ranking = ranked_moves(self.frame, fast, self.available, max_clicks)
        return self.ranking


@dataclass(frozen=True)
class GuidedChoice:
    move: Move
    probability: float  # the policy's probability of the move at the state it is tried from
    distance: int  # known steps to that state (0: here)
    pruned: int  # untried moves here the world model expected to do nothing or to end the game
    why: str


class GuidedSearch:
    def __init__(self, world_model_runtime: Any | None, seed: int = 0, decay: float = 0.7,
                 max_clicks: int = 6) -> None:
        self.runtime = world_model_runtime
        self.rng = np.random.default_rng(seed)
        self.decay = decay
        self.max_clicks = max_clicks
        self.level = -1
        self.map = LevelMap()
        self.seen: dict[bytes, _Seen] = {}  # key: the state's frame and the policy's ranking there
        self.pruned: set[bytes] = set()  # states whose ranking the world model has pruned
        self.frame: np.ndarray | None = None
        self.target: bytes | None = None
        self.visits: Counter[bytes] = Counter()  # visits per state in this level, under the map's keys

    # -- what happened ----------------------------------------------------------------------------
    def see(self, latest: FrameResponse, fast: FastProposal | Callable[[], FastProposal]) -> bytes:
        """Make `latest` the current state and remember the policy's ranking there (`fast`: the policy's
        proposal, or the call that makes it, made only if the search ranks this state's moves)."""
        if latest.levels_completed != self.level:
            self.level = latest.levels_completed
            self.map = LevelMap()
            self.seen.clear()
            self.pruned.clear()
            self.target = None
            self.visits.clear()
        self.frame = latest.frame
        key = self.map.key(latest.frame)
        if key not in self.seen:
            self.seen[key] = _Seen(latest.frame, fast, tuple(latest.available_actions))
        return key

    def arrive(self, latest: FrameResponse, fast: FastProposal | Callable[[], FastProposal]) -> tuple[bytes, int]:
        """`see` for a new step: the state, and its visits in this level under the map's keys, this one
        included (the loop check: counted afresh whenever the HUD mask changes, as every key does)."""
        key = self.see(latest, fast)
        self.visits[key] += 1
        return key, self.visits[key]

    def observe(self, move: Move, result: FrameResponse, step: int = 0, budget: int | None = None) -> None:
        """Every in-level transition from the frame last seen, whichever system chose it; `step`: the
        attempt's actions so far, this one included; `budget`: the level's step budget if known."""
        if self.frame is None or result.levels_completed != self.level:
            return
        self.map.budget = budget
        after = None if result.state is GameState.GAME_OVER else result.frame
        if self.map.record(self.frame, move, after, step):  # the HUD mask changed: every key did
            rekeyed: dict[bytes, _Seen] = {}
            for state in self.seen.values():
                rekeyed.setdefault(self.map.key(state.frame), state)
            self.seen, self.target = rekeyed, None
            self.pruned.clear()
            self.visits.clear()
        self.frame = None

    # -- choosing ---------------------------------------------------------------------------------
    def _untried(self, key: bytes) -> list[tuple[Move, float]]:
        if key not in self.seen:
            return []
        return [(m, p) for m, p in self.seen[key].moves(self.max_clicks) if not self.map.tried(key, m)]

    @torch.inference_mode()
    def _prune(self, key: bytes) -> int:
        """Drop this state's untried moves the world model expects to change nothing or to end the game;
        a move it expects to complete the level goes first. Answers how many were dropped."""
        untried = self._untried(key)
        if self.runtime is None or not untried or key in self.pruned:
            return 0
        self.pruned.add(key)
        state = self.seen[key]
        frame, ranking = state.frame, state.moves(self.max_clicks)
        moves = [m for m, _ in untried]
        n = len(moves)
        nxt, outcome, _ = self.runtime.predict(
            frames_tensor(frame).expand(n, -1, -1), torch.tensor([m[0] - 1 for m in moves]),
            torch.tensor([m[1] for m in moves]), torch.tensor([m[2] for m in moves]))
        dropped, boosted = set(), set()
        for i, move in enumerate(moves):
            if float(outcome[i, 1]) > 0.5:
                boosted.add(move)
            elif float(outcome[i, 2]) > 0.5 or self.map.key(nxt[i].numpy().astype(np.uint8)) == key:
                dropped.add(move)
        if len(dropped) == n:  # the model may be wrong everywhere: keep the ranking as it is
            dropped.clear()
        ranking = [(m, 1.0 + p if m in boosted else p) for m, p in ranking if m not in dropped]
        state.ranking = sorted(ranking, key=lambda mp: -mp[1])
        return len(dropped)

    def _frontier(self, origin: bytes) -> tuple[float, list[Move], bytes] | None:
        """The best (discounted probability, path, state) among the known states reachable from
        `origin` that still have an untried move."""
        best: tuple[float, list[Move], bytes] | None = None
        for state, path in self.map.reachable(origin):
            worth = self.decay ** len(path)
            if best is not None and 2.0 * worth <= best[0]:
                break  # no deeper state can beat it (a score is at most 2: 1 + p when boosted)
            untried = self._untried(state)
            if untried and (best is None or untried[0][1] * worth > best[0]):
                best = (untried[0][1] * worth, path, state)
        return best

    def choose(self, latest: FrameResponse, fast: FastProposal | Callable[[], FastProposal]) -> GuidedChoice:
        key = self.see(latest, fast)
        if self.target == key:
            self.target = None
        if self.target is not None:
            route = next((path for state, path in self.map.reachable(key) if state == self.target), None)
            if route:
                return GuidedChoice(route[0], 0.0, len(route), 0,
                                    f"on the known path to a state with an untried move, {len(route)} steps away")
            self.target = None
        pruned = self._prune(key)
        untried = self._untried(key)
        here = untried[0] if untried else None
        far = self._frontier(key)
        if here is not None and (far is None or here[1] >= far[0]):
            move, p = here
            what = "the world model expects it to complete the level" if p > 1 else f"p={p:.2f}"
            return GuidedChoice(move, min(p, 1.0), 0, pruned, f"the policy's best move not yet tried here ({what})")
        if far is not None:
            _, path, state = far
            self.target = state if len(path) > 1 else None
            return GuidedChoice(path[0], 0.0, len(path), pruned,
                                f"every likely move here tried: the known path to a state with an untried move "
                                f"({len(path)} steps)")
        return self._retry(key, pruned)

    def _retry(self, key: bytes, pruned: int) -> GuidedChoice:
        """Nothing untried within reach: a move sampled from the policy among those that did something."""
        ranking = self.seen[key].moves(self.max_clicks)
        useful = [(m, p) for m, p in ranking if self.map.results(key, m) - {key}] or ranking
        probs = np.array([max(p, 1e-6) for _, p in useful])
        move, p = useful[int(self.rng.choice(len(useful), p=probs / probs.sum()))]
        return GuidedChoice(move, min(p, 1.0), 0, pruned,
                            "every known move tried: sampled from the policy among those that did something")
