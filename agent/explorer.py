"""GraphExplorer: ARIA's slow system, a training-free systematic explorer of the transition graph.

While playing it builds a graph per level: nodes are settled frames with HUD areas masked
(`agent.frames`) and the colours the game moves by itself, such as patrolling sentries, blanked
(`agent.perception.MovingColours`), edges are (state, action) with counts of the states that followed. Transitions are
observations, not laws: the same masked frame and action may lead to different states (hidden counters,
animations), so every outcome is counted, plans follow the most frequent one and re-plan when the game
disagrees. The policy, in order:

1. an untried action in the current state that action priors say tends to do something;
2. a path (BFS over reliable edges) to the nearest state that still has such an action;
3. any untried action here, then a path to the nearest state with any untried action;
4. a retry of an action whose one result was "no change" (hidden state may have changed since);
5. a random candidate, also taken when many steps pass without discovering anything (loop guard).

RESET is used deliberately: when the nearest state with untried actions is much closer from the
level's start than from here, or when no known path leads to one at all (a dead end: a pushed crate
in a corner), the level is restarted, since the known path from the start is then the cheapest way
back to the frontier. (Never as the first action after a level starts or restarts: the toolkit
answers a RESET without actions in between with a full game reset, back to level 1.) Undo (ACTION7)
is an ordinary edge of the graph and is planned through like any other.

An edge that ended the game is never tried again or planned through, unless the game over is
explained by a step budget: when two game overs in a level came after the same number of actions
since the level (re)started and no attempt ever outlived that number, it is the level's budget and
deaths at it blame no edge; nor is an edge a killer once it led on more often than it killed (the
timing of what the key leaves out, a sentry's phase, killed it).
The path that completed each level is kept (`winning_paths`).

Click candidates are objects (`agent.perception`): one pixel per sprite, textures and HUD left out,
ranked by what clicking such sprites did so far in this game (`ClickRanker`); then, for a sprite of
several parts, a pixel of each other part of 9 cells or more (`part_clicks`): touching parts may be
separate objects, and a click on the sprite reaches one of them only (Depot's level 1, a block beside
the block to move, was out of reach: 0 -> 3 levels for the explorer alone). Where clicks have
proved foreseeable (`agent.effects.ClickEffects`: the same click changes the same cells between the
same colours, as toggles do), an untried click foreseen to lead to a state already in the graph is
not worth an action: it counts as tried, and plans may go through it. Each click point counts as an
action of its own for the HUD detector, so a counter that only some clicks change is not a timer.
Key moves are foreseen too, one way: the explorer learns which key undoes which kind of move (`Inverses`:
down after up, over plain floor; a push, whose colours differ, is a kind of its own, and the step back
leaves the block where it went), and an untried key that would undo the move that led here is not tried
for news but planned through (random steps on a maze, Courier and Crates: 99.5% and more of such foresights
right; 20-35% of the explorer's actions on the keyboard games had been such steps back).
Which useful frontier to go to is carried across levels too (`progress`): each level won says which way
its colours went, from its first frame to its last (in shares of the cells outside the HUD mask: lights
switched on, a display counted up, crates onto their pads); on the next levels, of the useful frontiers
found within `progress_horizon` states of the nearest, the one whose frame has gone furthest that way from
the level's first, less `progress_step` per step further away, is gone to (the nearest where none has
gone further).
On GAME_OVER it sends RESET (the level restarts; the graph is kept). A new level gets a new graph and
a fresh HUD detector (layouts change between levels); the action priors (which action kinds change
the state), the click ranker's scores and the record of how well clicks were foreseen carry over;
with `win_bonus` (ARIA's online agent), untried key actions are also ordered by their share of the
earlier levels' winning paths (the way levels were won so far: down and right, say).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from agent.base import Action
from agent.decision import Decision, Proposal
from agent.effects import ClickEffects
from agent.frames import StatusBarDetector, state_key
from agent.online import OnlineLearner
from agent.online import Proposal as OnlineProposal
from agent.perception import (
    ClickRanker,
    MovingColours,
    Signature,
    blank,
    click_candidates,
    effect_of,
    segment,
)
from arc_client.types import FrameResponse, GameAction, GameState

#: (action id, x, y); x = y = -1 unless the action is ACTION6
ActionKey = tuple[int, int, int]
LEVEL_UP = b"level-up"  # the effect recorded for a click that completed a level
NO_XY = -1
KEY_ACTIONS = (1, 2, 3, 4, 5, 7)
RESET_KEY: ActionKey = (int(GameAction.RESET), NO_XY, NO_XY)
CLICK_KEY: ActionKey = (int(GameAction.ACTION6), NO_XY, NO_XY)  # the clicks' prior (`ActionPriors`: per action id)
# mask re-checks: often at first, then rarely, since a new mask makes every state key new
PROGRESS_CELLS = 4  # a level whose first and last frames differ in fewer cells gives no direction
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
    "restart": "the frontier is closer from the level's start (or unreachable from here): restart the level",
}


def bar_emptied(before: np.ndarray | None, after: np.ndarray, mask: np.ndarray | None) -> bool:
    """Whether a game over is a HUD bar's running out: a colour lit inside the masked HUD before the
    action is gone from it after, while the scene outside it stayed almost as it was (a step budget, or a
    tank that refills, drawn empty), not a move that killed (a fall, a trap) or a screen drawn over."""
    if before is None or mask is None or not mask.any() or before.shape != after.shape:
        return False
    inside_before, inside_after = before[mask], after[mask]
    gone = np.setdiff1d(np.unique(inside_before), np.unique(inside_after))
    if not gone.size:
        return False
    outside = ~mask
    return bool((before[outside] != after[outside]).sum() <= 0.05 * outside.sum())


def _is_state(key: bytes, other: bytes, _node: Any) -> bool:
    return other == key


def within_budget(step: int, budget: int | None) -> bool:
    """A game over `step` actions into an attempt is the budget's doing. One more or one fewer is
    allowed: games differ on whether the RESET that starts an attempt counts, and the first attempt
    starts with the harness's RESET, which the agent never sees (suite games end it one action early)."""
    return budget is not None and budget - 1 <= step <= budget + 1


@dataclass
class Edge:
    """What followed one (state, action) each time it was tried.

    GAME_OVER is counted apart: in games with a step budget it usually says "the budget ran out on this
    action", not "this action kills": deaths the level's known budget explains blame no edge, any other
    makes it deadly, and an edge that never got past a game over stays worth trying until it ended the
    game `max_deaths` times.
    """

    tries: int = 0
    outcomes: Counter[bytes] = field(default_factory=Counter)
    game_overs: int = 0
    death_steps: list[int] = field(default_factory=list)  # actions into the attempt when it ended the game
    # game overs on it that emptied the HUD bar (`bar_emptied`): no deaths, but no frontier either until the
    # level's step budget is known (then, as a death the budget explains, it may be tried again)
    spent: int = 0

    def deadly(self, budget: int | None) -> bool:
        """It ended the game when no step budget explains it, at least as often as it led on: an edge
        that led on more often than it killed is a hazard of timing (a sentry's phase, which the state
        key leaves out), worth another try."""
        unexplained = sum(not within_budget(step, budget) for step in self.death_steps)
        return unexplained > 0 and unexplained >= self.tries

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
    frame: np.ndarray | None = field(default=None, repr=False)  # as first seen: re-keyed when the mask changes
    # where each click is foreseen to lead (`ClickEffects`), as of the effects' version `foreseen_version`
    # and its point's own version
    foreseen: dict[ActionKey, tuple[int, bytes | None]] = field(default_factory=dict, repr=False)
    foreseen_version: int = -1
    version: int = 0  # raised whenever one of its edges (or its candidates) change
    clickable: bool = False  # ACTION6 was available here
    closer: bool = False  # its tiles are candidates too (`GraphExplorer._look_closer`)
    parts: set[ActionKey] = field(default_factory=set)  # its clicks on a part of a sprite (`part_clicks`)
    # the explorer's `_successors` of this node, with the (node, graph, effects) versions it holds for
    successors: tuple[tuple[Any, ...], list[tuple[bytes, ActionKey]]] | None = field(default=None, repr=False)
    useful: tuple[tuple[Any, ...], bool] | None = field(default=None, repr=False)  # `_useful_frontier`'s, likewise
    # the key moves seen to lead here: (the state before, the action id, the colours the move changed)
    into: set[tuple[bytes, int, bytes]] = field(default_factory=set, repr=False)
    progress: tuple[tuple[Any, ...], float] | None = field(default=None, repr=False)  # `GraphExplorer._progress`'s

    def is_untried(self, action: ActionKey, max_deaths: int, budget: int | None = None) -> bool:
        edge = self.edges.get(action)
        if edge is None:
            return True
        return (edge.tries == 0 and edge.game_overs < max_deaths and not edge.deadly(budget)
                and not (edge.spent and budget is None))

    def untried(self, max_deaths: int, budget: int | None = None) -> list[ActionKey]:
        return [a for a in self.candidates if self.is_untried(a, max_deaths, budget)]

    def safe(self, budget: int | None) -> list[ActionKey]:
        """Candidates that never ended the game unexplained."""
        return [a for a in self.candidates if a not in self.edges or not self.edges[a].deadly(budget)]


@dataclass
class LevelGraph:
    nodes: dict[bytes, Node] = field(default_factory=dict)
    start: bytes | None = None
    death_steps: Counter[int] = field(default_factory=Counter)  # game overs by actions into the attempt
    budget: int | None = None  # the level's step budget, once two game overs agree on it
    longest: int = 0  # the most actions an attempt of this level survived
    # a clickable state offered nothing to click but tiles (many like parts, which look like a floor): the
    # level's nodes offer their tiles too (`GraphExplorer._look_closer`)
    closer: bool = False
    # the keys of like parts read as a board's cells in this level: they stay a board's even when a piece
    # placed on them would make them look like a floor carrying it (`segment(known_boards=...)`)
    boards: set[int] = field(default_factory=set)
    # every game over of the level: (the frame before, the action, actions into the attempt), so that a
    # new HUD mask (new state keys, a new graph) does not forget which edges kill
    deaths: list[tuple[np.ndarray, ActionKey, int]] = field(default_factory=list)
    deaths_by_key: dict[bytes, list[tuple[ActionKey, int]]] = field(default_factory=dict)
    # the game overs of `deaths` that emptied the HUD bar (their indices), counted as deaths while every
    # such game over came at one step count (a step budget, which the budget rule explains)
    bar_outs: list[int] = field(default_factory=list)


class ActionPriors:
    """Which kinds of action tend to change the state, per action id (clicks: per sprite, in
    `ClickRanker`). Beta(1, 1) means, so an action kind never tried scores 0.5. They survive level
    changes.
    """

    def __init__(self) -> None:
        self.by_action: dict[int, list[int]] = {}
        self.version = 0  # raised by every update

    def update(self, action: ActionKey, changed: bool) -> None:
        self.version += 1
        counts = self.by_action.setdefault(action[0], [0, 0])
        counts[0] += 1
        counts[1] += int(changed)

    def score(self, action: ActionKey) -> float:
        tries, changes = self.by_action.get(action[0], (0, 0))
        return (changes + 1) / (tries + 2)


class Inverses:
    """Which key action undoes which kind of move, learnt in this game: where a move `a` that changed cells of
    some colours (its kind) led, what key action `b` did next, back to the state before `a` or elsewhere.
    `b` undoes that kind of `a` once it went back `MIN_BACKS` times or more and went elsewhere at most a
    tenth as often (a step back over plain floor, not where the move pushed a block: the block's colour
    makes a kind of its own). Learnt over the whole game (levels keep their moves), by observation only:
    one way back that failed counts against it.
    """

    MIN_BACKS = 3

    def __init__(self) -> None:
        self.counts: dict[tuple[int, bytes, int], list[int]] = {}  # (a, kind, b) -> [tries, backs]
        self.known: set[tuple[int, bytes, int]] = set()
        self.version = 0  # raised whenever `known` changes

    def observe(self, a: int, kind: bytes, b: int, back: bool) -> None:
        key = (a, kind, b)
        counts = self.counts.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += int(back)
        holds = counts[1] >= self.MIN_BACKS and 10 * (counts[0] - counts[1]) <= counts[1]
        if holds != (key in self.known):
            (self.known.add if holds else self.known.discard)(key)
            self.version += 1

    def undoes(self, a: int, kind: bytes, b: int) -> bool:
        return (a, kind, b) in self.known


def move_kind(before: np.ndarray, after: np.ndarray, mask: np.ndarray | None) -> bytes:
    """The colours a move changed outside the mask, before or after (wherever the mover stood)."""
    diff = before != after
    if mask is not None:
        diff &= ~mask
    seen = np.bincount(before[diff], minlength=16)[:16] + np.bincount(after[diff], minlength=16)[:16]
    return np.flatnonzero(seen).astype(np.uint8).tobytes()


class GraphExplorer:
    """Chooses actions by systematic exploration of the graph seen so far (see the module doc)."""

    def __init__(
        self,
        seed: int = 0,
        max_clicks: int = 192,
        useful_prior: float = 0.15,
        max_retries: int = 2,
        max_deaths: int = 2,
        patience: int = 200,
        restart_margin: int = 2,
        learner: OnlineLearner | None = None,
        foresee: bool = True,
        look_closer: bool = True,
        win_bonus: float = 0.0,
        part_clicks: bool = True,
        undo_moves: bool = True,
        progress: bool = True,
        progress_step: float = 0.0002,
        progress_horizon: int = 300,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        # click candidates a state offers, objects first (then tiles, `_add_tiles`): our games show at most 22
        # objects a state; a real game's board may show a hundred
        self.max_clicks = max_clicks
        self.useful_prior = useful_prior
        self.max_retries = max_retries
        self.max_deaths = max_deaths
        self.patience = patience
        self.restart_margin = restart_margin
        self.learner = learner  # the fast system, when ARIA plays (None: the slow system alone)
        self.proposal: OnlineProposal | None = None
        self.trial: bool | None = None  # for the pending action: taken by the fast system (True) or held out
        self.priors = ActionPriors()
        self.ranker = ClickRanker()
        self._bar_memo: tuple[tuple[int, int, int], tuple[Any, ...]] | None = None  # `_bar_stamp`'s
        # the last search that crossed everything it reached without a goal: its origin, goal test and the
        # states it reached (`_restart_pays` needs no search from a start among them)
        self._exhausted: tuple[bytes, Any, dict[bytes, Any]] | None = None
        # the states a search for a useful frontier crossed without finding one, with what decided it (`_dry_stamp`):
        # from any of them none is reachable while the stamp holds and every edge taken since stayed among them
        # (a graph explored but for its steps back, each step taken from a state that has nothing useful left)
        self._dry: tuple[tuple[Any, ...], set[bytes]] | None = None
        # every node (of any level) with a click candidate at each point: the nodes whose caches a change
        # of that point's click effect (`ClickEffects.points`) makes stale
        self.nodes_by_point: dict[tuple[int, int], list[Node]] = {}
        self.effects = ClickEffects()
        self.foresee = foresee  # False: never act on foreseen clicks (an ablation)
        self.part_clicks = part_clicks
        self.undo_moves = undo_moves  # False: untried key moves never foreseen to undo the last (an ablation)
        self.inverses = Inverses()
        self.closer_allowed = look_closer  # False: tiles are never clicked (an ablation)
        self.detector = StatusBarDetector()
        self.mask = self.detector.mask()
        self.looks = 0  # the HUD detectors' looks in this game, every level's (a mask is kept across levels)
        self.moving = MovingColours()
        self.hidden: tuple[int, ...] = ()  # colours the game moves by itself, blanked in state keys
        self.graphs: dict[int, LevelGraph] = {}
        self.level = 0
        self.graph = LevelGraph()
        self.current: bytes | None = None
        self.frame: np.ndarray | None = None
        self.last_seen: FrameResponse | None = None
        self.spent = False  # the last game over emptied a HUD bar (see `bar_emptied`)
        # the bar ran out after different numbers of actions in one level: it refills (a tank), so a game
        # over that empties it blames no edge from then on, in this game (see `record`)
        self.refills = False
        self.pending: tuple[bytes, ActionKey] | None = None
        self.plan: deque[tuple[bytes, ActionKey, bytes]] = deque()
        self.since_progress = 0
        self.counts: Counter[str] = Counter()
        self.states_seen = 0
        self.steps = 0  # actions since the level started or was last reset
        self.trace: list[ActionKey] = []  # those actions
        self.winning_paths: dict[int, list[ActionKey]] = {}  # per level: the actions that completed it
        self.win_actions: Counter[int] = Counter()  # key actions in those paths: earlier levels' way to go
        self.win_bonus = win_bonus
        self.start_frame: np.ndarray | None = None  # the level's first frame (where RESET leads)
        # the way the colours of the last level won went (`progress`): its first frame's colour shares to its
        # last's, a unit vector (None before a level was won, or where it changed fewer than PROGRESS_CELLS)
        self.progress = progress  # False: the nearest useful frontier, always (an ablation)
        self.progress_step = progress_step  # what a step further away costs, in shares along the direction
        self.progress_horizon = progress_horizon  # states searched beyond the nearest useful frontier
        self.direction: np.ndarray | None = None
        self.direction_version = 0
        self._start_shares: tuple[tuple[Any, ...], np.ndarray] | None = None

    # -- state bookkeeping ------------------------------------------------------------------------
    def _node(self, key: bytes, response: FrameResponse) -> Node:
        node = self.graph.nodes.get(key)
        if node is None:
            available = tuple(response.available_actions) or (1, 2, 3, 4, 5, 6)
            candidates: list[ActionKey] = [(a, NO_XY, NO_XY) for a in KEY_ACTIONS if a in available]
            signatures: dict[ActionKey, tuple[Signature, ...]] = {}
            parts: set[ActionKey] = set()
            if GameAction.ACTION6 in available:
                objects = segment(response.frame, self.mask, boards=True, known_boards=self.graph.boards)
                self.graph.boards |= objects.boards
                for t in click_candidates(objects, self.ranker, self.max_clicks, parts=self.part_clicks):
                    action = (int(GameAction.ACTION6), t.x, t.y)
                    candidates.append(action)
                    signatures[action] = t.signature
                    if t.part:
                        parts.add(action)
            node = Node(candidates, signatures, frame=response.frame,
                        clickable=GameAction.ACTION6 in available, parts=parts)
            for action in signatures:
                self.nodes_by_point.setdefault(action[1:], []).append(node)
            if self.graph.closer:
                self._add_tiles(node)
            for action, step in self.graph.deaths_by_key.get(key, ()):
                edge = node.edges.setdefault(action, Edge())
                edge.game_overs += 1
                edge.death_steps.append(step)
            self.graph.nodes[key] = node
            self.states_seen += 1
            self.since_progress = 0
        return node

    def _add_tiles(self, node: Node) -> None:
        """Its tiles as click candidates too, after its objects: repeated parts that look like a floor may
        be a board of many like cells (at most `max_clicks` of them, spread over the frame)."""
        node.closer = True
        self._dry = None  # (new candidates: a state may be a frontier again)
        if not node.clickable or node.frame is None:
            return
        known = {a[1:] for a in node.candidates}
        tiles = [t for t in click_candidates(segment(node.frame, self.mask, with_tiles=True), self.ranker, limit=4096)
                 if (t.x, t.y) not in known]
        most = self.max_clicks
        if len(tiles) > most:
            tiles = [tiles[i] for i in np.linspace(0, len(tiles) - 1, most).round().astype(int)]
        for t in tiles:
            action = (int(GameAction.ACTION6), t.x, t.y)
            node.candidates.append(action)
            node.click_signature[action] = t.signature
            self.nodes_by_point.setdefault(action[1:], []).append(node)
        node.version += 1

    def _look_closer(self, node: Node) -> bool:
        """A clickable state with nothing to click but what reads as a tiled floor (keys aside): from now
        on in this level every node's tiles are click candidates too (a board of many like cells). Whether
        this node got some. Not where other objects can be clicked: on the held-out games, tiles tried once
        nothing else was left cost levels (a brick floor's 192 bricks at every state, BENCHMARKS.md)."""
        if self.graph.closer or not node.clickable or not self.closer_allowed:
            return False
        self.graph.closer = True
        self.counts["look_closer"] += 1
        before = len(node.candidates)
        self._add_tiles(node)
        return len(node.candidates) > before

    def _enter_level(self, level: int) -> None:
        self.graphs[self.level] = self.graph
        self.level = level
        self.graph = self.graphs.get(level) or LevelGraph()
        self.plan.clear()
        self.steps = 0
        self.trace = []
        self.effects.new_level()
        self.ranker.new_level()
        # the HUD may move with the level's layout: learn it afresh, keeping the old mask meanwhile
        self.detector = StatusBarDetector(self.detector.shape)
        self.moving = MovingColours()

    def _key(self, frame: np.ndarray) -> bytes:
        return state_key(blank(frame, self.hidden), self.mask)

    def _sync(self, response: FrameResponse) -> None:
        """Make `response` the current state (first frame, after RESET or a level change)."""
        if response.levels_completed != self.level:
            self._enter_level(response.levels_completed)
        self.frame = response.frame
        self.current = self._key(response.frame)
        self._node(self.current, response)
        if self.steps == 0:
            self.start_frame = response.frame
        if self.graph.start is None and self.steps == 0:
            self.graph.start = self.current
        self.last_seen = response

    def see(self, latest: FrameResponse) -> bytes:
        """Make `latest` the current state (another system may be choosing) and answer its key."""
        if latest is not self.last_seen:
            self._sync(latest)
        assert self.current is not None
        return self.current

    def state_key(self, frame: np.ndarray) -> bytes:
        """The graph's key of `frame` (HUD masked, self-moving colours blanked)."""
        return self._key(frame)

    def successors(self, key: bytes) -> list[tuple[bytes, ActionKey]]:
        """The known next states of `key` that a plan may go to, with the action that leads there."""
        node = self.graph.nodes.get(key)
        return [] if node is None else self._successors(key, node)

    # -- choosing ---------------------------------------------------------------------------------
    def _kind_score(self, action: ActionKey) -> float:
        """What the action's kind scores wherever it is taken: its prior, and for a key action the bonus of
        the directions earlier levels were won by (they go first)."""
        score = self.priors.score(action)
        if action[0] != 6 and self.win_actions:
            score += self.win_bonus * self.win_actions[action[0]] / self.win_actions.total()
        return score

    def _score(self, node: Node, action: ActionKey) -> float:
        score = self._kind_score(action)
        signature = node.click_signature.get(action)
        return score if signature is None else min(score, self.ranker.score(signature))

    def _best_untried(self, node: Node, useful_only: bool) -> ActionKey | None:
        best, best_score = None, -1.0
        # a click scores at most the clicks' prior: where that is below the bar, no click is useful
        no_clicks = useful_only and self._kind_score(CLICK_KEY) < self.useful_prior
        for action in node.candidates:  # the ranker's order breaks ties
            if no_clicks and action[0] == 6:
                continue
            if not node.is_untried(action, self.max_deaths, self.graph.budget):
                continue
            score = self._score(node, action)
            if useful_only and (score < self.useful_prior or self._leads_back(node, action)):
                continue
            if score > best_score:
                best, best_score = action, score
        return best

    def _successors(self, key: bytes, node: Node) -> list[tuple[bytes, ActionKey]]:
        """Edges a plan may follow: they usually lead somewhere else and never ended the game unexplained;
        and untried clicks foreseen to lead to a known state. Kept on the node until one of its edges, the
        level's budget, the click effects or the graph's states change (searches over a large graph that
        stopped growing ask every node at every step)."""
        stamp = (node.version, self.graph.budget, len(self.graph.nodes), self.effects.version,
                 self.foresee and self.effects.trusted, self.inverses.version)
        if node.successors is not None and node.successors[0] == stamp:
            return node.successors[1]
        out = self._edges_out(key, node)
        node.successors = (stamp, out)
        return out

    def _edges_out(self, key: bytes, node: Node) -> list[tuple[bytes, ActionKey]]:
        out = []
        for action, edge in node.edges.items():
            if edge.tries == 0 or edge.deadly(self.graph.budget):
                continue
            nxt, share = edge.likely()
            if nxt != key and share >= 0.5 and nxt in self.graph.nodes:
                out.append((nxt, action))
        clicks = self.foresee and self.effects.trusted
        keys = self.undo_moves and bool(node.into) and bool(self.inverses.known)
        if clicks or keys:
            for action in node.candidates:
                tried = node.edges.get(action)
                if (action[0] == 6 and not clicks) or (action[0] != 6 and not keys) or \
                        (tried is not None and (tried.tries or tried.game_overs)):
                    continue
                foreseen = self._foreseen(node, action)
                if foreseen is not None and foreseen != key and foreseen in self.graph.nodes:
                    out.append((foreseen, action))
        return out

    def _foreseen(self, node: Node, action: ActionKey) -> bytes | None:
        """The state a click from `node` is foreseen to lead to (None: not foreseeable, or not trusted); for a
        key move, the state it undoes a move from (`_undone`)."""
        if action[0] != 6:
            return self._undone(node, action[0])
        if node.frame is None or not self.foresee or not self.effects.trusted:
            return None
        if node.foreseen_version != self.effects.version:
            node.foreseen, node.foreseen_version = {}, self.effects.version
        point = self.effects.points.get((action[1], action[2]), 0)
        known = node.foreseen.get(action)
        if known is None or known[0] != point:
            after = self.effects.predict(node.frame, action[1], action[2])
            known = node.foreseen[action] = (point, None if after is None else self._key(after))
        return known[1]

    def _undone(self, node: Node, action: int) -> bytes | None:
        """The state before a move that led here, where key `action` is known to undo such moves
        (`Inverses`; None: none, or moves it undoes led here from several states: a key that takes
        distinct places for one state, as a HUD mask too wide does, says nothing of where a step back goes)."""
        if not self.undo_moves or not node.into or not self.inverses.known:
            return None
        back = None
        for before, move, kind in node.into:
            if self.inverses.undoes(move, kind, action):
                if back is not None and back != before:
                    return None
                back = before
        return back

    def _leads_back(self, node: Node, action: ActionKey) -> bool:
        """An untried click foreseen to lead to a state already in the graph: nothing to learn by trying it."""
        return self._foreseen(node, action) in self.graph.nodes

    def _plan_to(self, goal_test: Any, origin: bytes | None = None, max_depth: int | None = None,
                 ranked: bool = False) -> deque[tuple[bytes, ActionKey, bytes]] | None:
        """BFS from `origin` (the current state) to the nearest other state passing `goal_test(key, node)`,
        at most `max_depth` steps away. `ranked`: where the last level won gave a direction (`progress`),
        the search goes on for `progress_horizon` states past the nearest such state, and the one whose frame
        went furthest along the direction, less `progress_step` a step, is the goal (the first found on ties)."""
        origin = self.current if origin is None else origin
        assert origin is not None
        parents: dict[bytes, tuple[bytes, ActionKey] | None] = {origin: None}
        depth = {origin: 0}
        queue = deque([origin])
        ranked = ranked and self.progress and self.direction is not None
        best: bytes | None = None
        best_rank = 0.0
        horizon = 0
        while queue:
            key = queue.popleft()
            if best is not None and len(parents) > horizon:
                break
            if max_depth is not None and depth[key] >= max_depth:
                continue
            for nxt, action in self._successors(key, self.graph.nodes[key]):
                if nxt in parents:
                    continue
                parents[nxt] = (key, action)
                depth[nxt] = depth[key] + 1
                node = self.graph.nodes[nxt]
                if goal_test(nxt, node):
                    if not ranked:
                        return self._path(parents, nxt)
                    rank = self._progress(node) - self.progress_step * depth[nxt]
                    if best is None:
                        best, best_rank, horizon = nxt, rank, len(parents) + self.progress_horizon
                    elif rank > best_rank:
                        best, best_rank = nxt, rank
                queue.append(nxt)
        if best is not None:
            return self._path(parents, best)
        if max_depth is None:
            self._exhausted = (origin, goal_test, parents)
        return None

    @staticmethod
    def _path(parents: dict[bytes, tuple[bytes, ActionKey] | None], goal: bytes) -> deque[tuple[bytes, ActionKey, bytes]]:
        path: deque[tuple[bytes, ActionKey, bytes]] = deque()
        step = goal
        while (parent := parents[step]) is not None:
            path.appendleft((parent[0], parent[1], step))
            step = parent[0]
        return path

    def _shares(self, frame: np.ndarray) -> np.ndarray:
        """The share of each colour among the cells outside the HUD mask (self-moving colours left out)."""
        cells = blank(frame, self.hidden)
        if self.mask is not None and self.mask.shape == cells.shape:
            cells = cells[~self.mask]
        counts = np.bincount(cells.ravel(), minlength=256)[:16].astype(np.float64)
        return counts / max(1.0, float(counts.sum()))

    def _progress(self, node: Node) -> float:
        """How far `node`'s frame went from the level's first along the last won level's direction."""
        assert self.direction is not None
        stamp = (self.direction_version, id(self.mask), self.hidden, self.level)
        if node.progress is not None and node.progress[0] == stamp:
            return node.progress[1]
        value = 0.0
        if node.frame is not None and self.start_frame is not None and node.frame.shape == self.start_frame.shape:
            if self._start_shares is None or self._start_shares[0] != stamp:
                self._start_shares = (stamp, self._shares(self.start_frame))
            value = float(np.dot(self._shares(node.frame) - self._start_shares[1], self.direction))
        node.progress = (stamp, value)
        return value

    def _learn_direction(self) -> None:
        """The level was just won from `self.frame`: the way its colours went from its first frame."""
        first, last = self.start_frame, self.frame
        if first is None or last is None or first.shape != last.shape:
            return
        changed = blank(first, self.hidden) != blank(last, self.hidden)
        if self.mask is not None and self.mask.shape == changed.shape:
            changed &= ~self.mask
        way = self._shares(last) - self._shares(first)
        norm = float(np.linalg.norm(way))
        if int(changed.sum()) < PROGRESS_CELLS or norm == 0.0:
            return
        self.direction = way / norm
        self.direction_version += 1

    def _random(self, node: Node) -> ActionKey:
        safe = node.safe(self.graph.budget) or node.candidates
        return safe[int(self.rng.integers(len(safe)))]

    def _restart_pays(self, path: deque[Any] | None, goal_test: Any) -> bool:
        """Restarting the level reaches a state passing `goal_test` in fewer actions than `path` (None:
        no known path from here). Never right after a (re)start: that RESET would restart the game."""
        start = self.graph.start
        if self.steps == 0 or start is None or start == self.current or start not in self.graph.nodes:
            return False
        if path is not None and len(path) <= 2 + self.restart_margin:
            return False
        exhausted = self._exhausted
        if (path is None and exhausted is not None and exhausted[0] == self.current and exhausted[1] is goal_test
                and start in exhausted[2]):
            return False  # what the start reaches, here reaches too: the search from here found no goal there
        dry = self._dry
        if path is None and dry is not None and goal_test == self._useful_frontier and self._dry_here() \
                and start in dry[1]:
            return False  # likewise, for the states the last dry search reached (`_dry`)
        if goal_test(start, self.graph.nodes[start]):
            from_start = 0
        else:
            limit = None if path is None else len(path) - 2 - self.restart_margin
            route = self._plan_to(goal_test, origin=start, max_depth=limit)
            if route is None:
                return False
            from_start = len(route)
        return path is None or 1 + from_start + self.restart_margin < len(path)

    def _choose_key(self, node: Node) -> tuple[ActionKey, str]:
        assert self.current is not None
        if self.since_progress > self.patience:
            # stuck in a loop: a random move now, and every patience/2 moves until something new turns up
            self.since_progress = self.patience // 2
            return self._random(node), "random"
        if self.plan and self.plan[0][0] == self.current:
            return self.plan.popleft()[1], "plan"
        self.plan.clear()
        chosen = self.choose_untried(node)
        if chosen is not None:
            return chosen
        useful = self._useful_frontier
        if self._dry_here():
            path = None  # no useful frontier is reachable from here (`_dry`)
        else:
            path = self._plan_to(useful, ranked=True)
            exhausted = self._exhausted
            self._dry = None
            if path is None and exhausted is not None and exhausted[1] is useful and exhausted[0] == self.current:
                self._dry = (self._dry_stamp(), set(exhausted[2]))
        aim: Any = useful
        if path is not None and self.progress and self.direction is not None:
            # the frontier the direction chose: a restart pays if it reaches that one sooner
            aim = partial(_is_state, path[-1][2])
        if self._restart_pays(path, aim):
            return RESET_KEY, "restart"
        if path is None:
            action = self._best_untried(node, useful_only=False)
            if action is not None:
                return action, "untried"
            frontier = self._any_frontier
            path = self._plan_to(frontier)
            if self._restart_pays(path, frontier):
                return RESET_KEY, "restart"
        if path is None:
            action = self._retry_here(node)
            if action is not None:
                return action, "retry"
            path = self._plan_to(lambda k, n: self._retry_at(k, n) is not None)
        if path is not None:
            self.plan = path
            return self.plan.popleft()[1], "plan"
        return self._random(node), "random"

    def _dry_stamp(self) -> tuple[Any, ...]:
        """What, beside the edges taken, decides whether a state is a useful frontier or reachable (`_dry`)."""
        return (id(self.graph), len(self.graph.nodes), self.graph.budget, self.effects.version,
                self.foresee and self.effects.trusted, self.inverses.version, id(self.mask), self._bar_stamp())

    def _dry_here(self) -> bool:
        """The last search for a useful frontier that found none reached this state, and nothing that could
        make one reachable from here happened since: trying an action only takes an untried one away, an edge
        between states it reached leads nowhere new, and a new state, a new budget, mask, click effect, step
        back or prior ends it (the stamp); so does a game over, a level, a restart and a state's new tiles."""
        dry = self._dry
        return dry is not None and self.current in dry[1] and dry[0] == self._dry_stamp()

    def _useful_frontier(self, key: bytes, node: Node) -> bool:
        """An untried action here that priors call useful. Kept on the node until what decides it changes:
        its edges, the level's budget, the graph's states and the click effects (which clicks lead back),
        the key actions that score at least the bar, and (when clicks may) the clicks' scores."""
        stamp = (node.version, self.graph.budget, len(self.graph.nodes), self.effects.version,
                 self.foresee and self.effects.trusted, self.inverses.version, self._bar_stamp())
        if node.useful is None or node.useful[0] != stamp:
            node.useful = (stamp, self._best_untried(node, useful_only=True) is not None)
        return node.useful[1]

    def _bar_stamp(self) -> tuple[Any, ...]:
        """Which actions' scores clear the useful bar, as far as they depend on no node: the key actions
        that do, and whether clicks can (then the clicks' scores, by the ranker's version)."""
        memo = (self.priors.version, self.ranker.version, self.win_actions.total())
        if self._bar_memo is None or self._bar_memo[0] != memo:
            keys = tuple(a for a in KEY_ACTIONS if self._kind_score((a, NO_XY, NO_XY)) >= self.useful_prior)
            clicks = self._kind_score(CLICK_KEY) >= self.useful_prior
            self._bar_memo = (memo, (keys, self.ranker.version if clicks else None))
        return self._bar_memo[1]

    def _any_frontier(self, key: bytes, node: Node) -> bool:
        return bool(node.untried(self.max_deaths, self.graph.budget))

    def choose_untried(self, node: Node) -> tuple[ActionKey, str] | None:
        """The learner's proposal among the untried actions here when it is trusted (mode "fast"), else
        the best untried action that priors call useful."""
        self.proposal, self.trial = None, None
        if self.learner is not None and self.frame is not None:
            untried = [a for a in node.untried(self.max_deaths, self.graph.budget) if not self._leads_back(node, a)]
            proposal = self.learner.propose(self.frame, self.mask, untried, node.click_signature)
            if proposal is not None and proposal.trusted:
                slow = self._best_untried(node, useful_only=True)  # what the slow system would pick
                if slow is not None and slow != proposal.action:
                    # a choice the comparison that calibrates the fast system's bar can use
                    self.trial = not self.learner.hold_out()
                    if not self.trial:
                        self.counts["fast_held_out"] += 1
                        return slow, "untried"
                self.proposal = proposal
                return proposal.action, "fast"
            if proposal is not None:  # why the fast system did not act here
                self.counts["fast_untrusted" if not self.learner.trusted else
                            "fast_click" if not self.learner.may_take(proposal.action) else "fast_unsure"] += 1
        action = self._best_untried(node, useful_only=True)
        return None if action is None else (action, "untried")

    def _retry_at(self, key: bytes, node: Node) -> ActionKey | None:
        for action in node.candidates:
            edge = node.edges.get(action)
            if edge is not None and 0 < edge.tries < self.max_retries and set(edge.outcomes) == {key} \
                    and not edge.deadly(self.graph.budget):
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
        if self.graph.closer and not node.closer:
            self._add_tiles(node)
        if node.clickable and not node.click_signature:
            self._look_closer(node)  # nothing to click but tiles: the tiles are clicked (from now on in the level)
        if not node.candidates:
            self.pending = None
            return Action(GameAction.RESET, decision=Decision("slow", "reset", reason="no actions left to try here"))
        action, mode = self._choose_key(node)
        self.counts[mode] += 1
        if action == RESET_KEY:
            self.pending = None
            self.plan.clear()
            return Action(GameAction.RESET, decision=Decision("slow", mode, reason=EXPLORER_REASONS[mode],
                                                              extra={"states": len(self.graph.nodes)}))
        self.pending = (self.current, action)
        game_action = GameAction(action[0])
        x, y = (action[1], action[2]) if game_action is GameAction.ACTION6 else (None, None)
        if mode == "fast" and self.proposal is not None and self.learner is not None:
            proposal = self.proposal
            decision = Decision("fast", "online", confidence=proposal.chance, threshold=self.learner.threshold,
                                novelty=1.0 / node.visits, fast=Proposal(game_action.name, x, y, proposal.chance),
                                reason="the online model expects progress" + (" toward the goal colour" if
                                                                              proposal.toward > 0 else ""),
                                extra={"states": len(self.graph.nodes), "accuracy": round(self.learner.accuracy, 3)})
            return Action(game_action, x=x, y=y, decision=decision)
        decision = Decision("slow", mode, novelty=1.0 / node.visits, plan_left=len(self.plan),
                            slow=Proposal(game_action.name, x, y), reason=EXPLORER_REASONS.get(mode, mode),
                            extra={"states": len(self.graph.nodes)})
        return Action(game_action, x=x, y=y, decision=decision)

    # -- learning ---------------------------------------------------------------------------------
    def _forgive_bar_outs(self) -> None:
        """The level's game overs that emptied the bar, counted as deaths so far, become run-outs: no
        edge is deadly for them (and none is a frontier for them until a step budget is known)."""
        graph = self.graph
        outs = set(graph.bar_outs)
        for index in sorted(outs):
            frame, action, step = graph.deaths[index]
            key = self._key(frame)
            node = graph.nodes.get(key)
            edge = node.edges.get(action) if node is not None else None
            if node is not None and edge is not None and step in edge.death_steps:
                edge.death_steps.remove(step)
                edge.spent += 1
                node.version += 1
            listed = graph.deaths_by_key.get(key)
            if listed is not None and (action, step) in listed:
                listed.remove((action, step))
        graph.deaths = [d for i, d in enumerate(graph.deaths) if i not in outs]
        graph.bar_outs = []

    def record(self, action: Action, result: FrameResponse) -> None:
        """Count what `action` did; called with every result, RESETs included."""
        pending, self.pending = self.pending, None
        trial, self.trial = self.trial, None
        dry, self._dry = self._dry, None  # kept below only for an edge between states the dry search reached
        if pending is None and self.current is not None and action.action is not GameAction.RESET:
            # an action this explorer did not choose (the fast policy's): learn from it all the same
            pending = (self.current, key_of_action(action))
        if action.action is GameAction.RESET or pending is None or self.frame is None:
            self.counts["resets"] += int(action.action is GameAction.RESET)
            self.plan.clear()
            if action.action is GameAction.RESET:
                self.steps = 0
                self.trace = []
            if result.state not in (GameState.GAME_OVER, GameState.WIN):
                self._sync(result)
            self.last_seen = result
            return
        before_key, action_key = pending
        node = self.graph.nodes[before_key]
        signature = node.click_signature.get(action_key)
        if node.is_untried(action_key, self.max_deaths, self.graph.budget):
            self.since_progress = 0
        else:
            self.since_progress += 1
        edge = node.edges.setdefault(action_key, Edge())
        node.version += 1  # the edge is counted below, whatever the outcome
        self.steps += 1
        self.trace.append(action_key)
        if result.levels_completed > self.level:
            if self.learner is not None:
                self.learner.learn(self.frame, self.mask, action_key, signature, new=True)
                if trial is not None:
                    self.learner.judge(trial, True)
                self.learner.level_up(self.frame, self.mask, action_key)
            if self.progress:
                self._learn_direction()
            self.winning_paths[self.level] = self._winning_path(before_key, action_key)
            self.win_actions.update(a[0] for a in self.winning_paths[self.level] if a[0] != 6)
            self.priors.update(action_key, changed=True)
            if signature is not None:
                self.ranker.update(signature, LEVEL_UP)
            self.counts["levels"] += 1
            self._sync(result)
            return
        if result.state is GameState.GAME_OVER:
            edge.game_overs += 1
            # an emptied HUD bar says the attempt ran out (of steps, of fuel) on this action. While the bar
            # ran out after one number of actions only, it is a step budget, which two game overs at one
            # step count explain (as any death); once it ran out after another number (a tank that cans
            # refill: no budget is ever inferred), such game overs blame no edge, the earlier ones too
            self.spent = bar_emptied(self.frame, result.frame, self.mask)
            if self.spent and not self.refills:
                counts = {self.graph.deaths[i][2] for i in self.graph.bar_outs}
                if counts and self.steps not in counts:
                    self.refills = True
                    self._forgive_bar_outs()
            if self.spent and self.refills:
                edge.spent += 1
            else:
                if self.spent:
                    self.graph.bar_outs.append(len(self.graph.deaths))
                edge.death_steps.append(self.steps)
                self.graph.deaths.append((self.frame, action_key, self.steps))
                self.graph.deaths_by_key.setdefault(before_key, []).append((action_key, self.steps))
            self.graph.death_steps[self.steps] += 1
            if self.learner is not None:
                self.learner.learn(self.frame, self.mask, action_key, signature, new=False)
            if self.graph.death_steps[self.steps] >= 2 and self.steps >= max(self.graph.longest, 3):
                self.graph.budget = self.steps  # no attempt ever outlived it: a budget, not two killers
            self.counts["game_overs"] += 1
            self.plan.clear()
            self.last_seen = result
            return
        if result.state is GameState.WIN:
            self.last_seen = result
            return
        if action_key[0] == 6:
            self._check_click(action_key, result.frame)
        # the HUD detector sees the frames as keyed: a sentry's walk is no HUD; each click point counts as an
        # action of its own, so a counter that only some clicks change is not taken for a timer bar
        kind = action_key[0] if action_key[0] != 6 else 16 + action_key[2] * 64 + action_key[1]
        self.detector.observe(blank(self.frame, self.hidden), blank(result.frame, self.hidden), kind)
        self.moving.observe(self.frame, result.frame, action_key[0], self.mask)
        if self.detector.transitions in MASK_CHECKPOINTS:
            self.looks += 1
            if self._update_mask():
                self._sync(result)
                return
        self.graph.longest = max(self.graph.longest, self.steps)
        if self.graph.budget is not None and self.steps > self.graph.budget + 1:
            self.graph.budget = None  # an attempt outlived it: it was no budget
        after_key = self._key(result.frame)
        if self.learner is not None:
            new = after_key not in self.graph.nodes
            self.learner.learn(self.frame, self.mask, action_key, signature, new, result.frame)
            if trial is not None:
                self.learner.judge(trial, new)
        edge.tries += 1
        edge.outcomes[after_key] += 1
        changed = after_key != before_key
        key_move = action_key[0] != 6
        if key_move and node.into:  # did this key undo the moves that led here (`Inverses`)?
            for earlier, move, colours in node.into:
                self.inverses.observe(move, colours, action_key[0], after_key == earlier)
        self.priors.update(action_key, changed)
        if signature is not None:
            self.ranker.update(signature, effect_of(self.frame, result.frame, self.mask))
        if self.plan and self.plan[0][0] != after_key:
            self.plan.clear()  # the game disagreed with the plan's expectation: re-plan
        moved = move_kind(blank(self.frame, self.hidden), blank(result.frame, self.hidden), self.mask) \
            if key_move and changed else b""
        self._sync(result)
        if moved:
            arrived = self.graph.nodes[after_key]
            entry = (before_key, action_key[0], moved)
            if entry not in arrived.into:
                arrived.into.add(entry)
                arrived.version += 1  # an untried key here may now be foreseen to undo it
        if dry is not None and before_key in dry[1] and after_key in dry[1]:
            self._dry = dry

    def _check_click(self, action: ActionKey, after: np.ndarray) -> None:
        """Score the click's foreseen outcome against what happened, then learn from it."""
        assert self.frame is not None
        predicted = self.effects.predict(self.frame, action[1], action[2])
        if predicted is not None:
            self.effects.check(self._key(predicted) == self._key(after))
        point = self.effects.points.get(action[1:])
        self.effects.observe(self.frame, after, action[1], action[2], self.mask)
        if self.effects.points.get(action[1:]) != point:
            for node in self.nodes_by_point.get(action[1:], ()):
                node.version += 1  # where its click there is foreseen to lead may change: its caches with it

    def _winning_path(self, last: bytes, action: ActionKey) -> list[ActionKey]:
        """The shortest known path from the level's start to `last`, then `action` (else this attempt's)."""
        start = self.graph.start
        if start == last:
            return [action]
        route = self._plan_to(lambda k, n: k == last, origin=start) if start in self.graph.nodes else None
        if route is None:
            return [*self.trace]
        return [step[1] for step in route] + [action]

    def _update_mask(self) -> bool:
        """Adopt a new HUD mask or a new set of colours that move by themselves. Every state key changes: the level's graph is re-keyed from its nodes'
        frames, nodes that the new mask makes equal merged with their edges' counts, so nothing learned
        in this level is lost."""
        verdict = self.moving.colours()
        hidden = self.hidden if verdict is None else verdict
        if hidden != self.hidden:
            # the HUD detector counted the changes of the colours now hidden: it starts again, and the
            # mask stays until it has seen enough
            self.detector = StatusBarDetector(self.detector.shape)
            mask = self.mask
        else:
            mask = self.detector.mask()
            if np.array_equal(mask, self.mask):
                return False
            self.moving = MovingColours()  # its counts included changes the new mask hides
        self.mask, self.hidden = mask, hidden
        self.effects.version += 1  # every foreseen state key changes with the mask
        old = self.graph
        self.graph = LevelGraph(death_steps=old.death_steps, budget=old.budget, longest=old.longest,
                                deaths=old.deaths, bar_outs=old.bar_outs, closer=old.closer, boards=old.boards)
        for frame, action, step in old.deaths:
            self.graph.deaths_by_key.setdefault(self._key(frame), []).append((action, step))
        rekey = {key: self._key(node.frame) for key, node in old.nodes.items() if node.frame is not None}
        into = {key: node.into for key, node in old.nodes.items()}
        for key, node in old.nodes.items():
            if key not in rekey:
                continue
            for edge in node.edges.values():
                edge.outcomes = Counter({rekey.get(k, k): n for k, n in edge.outcomes.items()})
            target = self.graph.nodes.get(rekey[key])
            if target is None:
                self.graph.nodes[rekey[key]] = node
                continue
            target.visits += node.visits
            for action, edge in node.edges.items():
                mine = target.edges.setdefault(action, Edge())
                mine.tries += edge.tries
                mine.outcomes.update(edge.outcomes)
                mine.game_overs += edge.game_overs
                mine.death_steps.extend(edge.death_steps)
        for node in self.graph.nodes.values():
            node.into = set()
        for key, entries in into.items():
            if key in rekey:
                self.graph.nodes[rekey[key]].into |= {(rekey.get(k, k), a, kind) for k, a, kind in entries
                                                      if rekey.get(k, k) != rekey[key]}
        if self.start_frame is not None:  # RESET still leads to the level's start, under its new key
            self.graph.start = self._key(self.start_frame)
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
            "moving_colours": list(self.hidden),
            **{f"decisions_{k}": v for k, v in sorted(self.counts.items())
               if k in {"untried", "plan", "retry", "random", "fast", "restart", "fast_untrusted", "fast_unsure",
                       "fast_click", "fast_held_out"}},
            "resets": self.counts["resets"],
            "restarts": self.counts["restart"],
            "winning_path_lengths": [len(self.winning_paths[k]) for k in sorted(self.winning_paths)],
            "game_overs": self.counts["game_overs"],
            "clicks_foreseen": [self.effects.hits, self.effects.misses],
            "levels_looked_closer": self.counts["look_closer"],  # levels whose tiles were clicked too
            # the colour shares' way the last level won went (`progress`)
            "progress_direction": None if self.direction is None else [round(float(v), 3) for v in self.direction],
        }
