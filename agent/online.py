"""ARIA's fast system on a game it has never seen: a model learned online from this game's transitions.

`OnlineModel` is a logistic regression over hashed sparse features of (state, candidate action) that
predicts whether the action leads somewhere new: a state not yet in this level's graph, or the
level's end. It is trained while playing, in small batches every `batch` steps (the new transitions
plus as many replayed old ones), so a step costs microseconds. Features:
- the action id, and for key actions the colours the mover would enter (`GameRules.ahead`: walls,
  floor, the frame's edge) and whether the move brings it closer to a goal colour of earlier levels;
- for clicks: the clicked sprite's colour, size and shape kind, and whether such a sprite was clicked
  before in this level;
- the previous action and whether it led somewhere new (moves that worked tend to go on working).

`OnlineLearner` is the fast system the explorer consults before its own ordering: among the untried
actions of the current state it proposes the one with the highest predicted chance of progress
(plus a bonus for heading to a goal colour), and the arbiter trusts it when the model has seen enough
of this game, its running accuracy on predictions made before each outcome was known is high, and the
proposal's chance reaches the arbiter's threshold. The threshold is calibrated while playing by a
held-out comparison (`hold_out`, `judge`): where the fast system is sure and the slow system would pick
another action, a small share of the time the slow system's pick is taken instead; the threshold falls
while the fast system's picks reach new states at least as often as the slow system's do in those same
situations, and rises while they do worse, so the fast system acts more where it is right.
Everything learned (weights, rules, threshold) carries over to the next level.

Clicks are proposed but not trusted (`trust_clicks=False`): on a board where every click reaches a new
state (a lights-out grid, a counter's buttons) the comparison above finds the model's click picks as
good as the explorer's, yet its order explores the board less systematically than the explorer's own
(by what clicking such objects did), and levels were lost: on the click-only held-out games (Counter,
Lantern Grid, Colour Order, Rotor; agent seeds 0-7) trusted clicks cleared 156 levels against 164 with
the explorer's order, for a mean game score of 3.96% against 3.69%. Key moves, whose features carry the
game's rules (what is ahead, a goal colour), stay the model's to take.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from agent.rules import GameRules

if TYPE_CHECKING:  # torch is loaded only by the agents that tune a policy online
    from agent.online_cnn import OnlineCNN

DIM = 1 << 14
CLICK_MEMO = 4096  # clicks' features remembered (`OnlineLearner.features`), at most
ActionKey = tuple[int, int, int]
# feature kinds (ints, so Python's hash of the tuples is the same in every process)
BIAS, ACTION, AHEAD, TOWARD, CLICK_COLOUR, CLICK_SIZE, CLICK_SHAPE, CLICK_SEEN, PREV = range(9)


def _size(area: int) -> int:
    return 0 if area <= 2 else 1 if area <= 9 else 2 if area <= 36 else 3 if area <= 144 else 4


@dataclass
class OnlineModel:
    lr: float = 0.3
    l2: float = 1e-4
    batch: int = 8
    weights: np.ndarray = field(default_factory=lambda: np.zeros(DIM))
    buffer: list[tuple[np.ndarray, float]] = field(default_factory=list)
    memory: list[tuple[np.ndarray, float]] = field(default_factory=list)
    updates: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def predict(self, features: list[np.ndarray]) -> np.ndarray:
        logits = np.array([self.weights[f].sum() for f in features])
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))

    def add(self, features: np.ndarray, label: float) -> None:
        """One labelled transition; trains on a batch once `batch` of them are waiting."""
        self.buffer.append((features, label))
        if len(self.buffer) >= self.batch:
            self.train()

    def train(self) -> None:
        fresh, self.buffer = self.buffer, []
        replay = [self.memory[i] for i in self.rng.integers(len(self.memory), size=min(len(fresh), len(self.memory)))] \
            if self.memory else []
        for features, label in fresh + replay:
            p = 1.0 / (1.0 + np.exp(-np.clip(self.weights[features].sum(), -30, 30)))
            self.weights[features] -= self.lr * ((p - label) + self.l2 * self.weights[features])
        self.memory.extend(fresh)
        if len(self.memory) > 4096:
            del self.memory[: len(self.memory) - 4096]
        self.updates += 1

    def accuracy(self, samples: list[tuple[np.ndarray, float]]) -> float:
        if not samples:
            return 0.0
        p = self.predict([f for f, _ in samples])
        return float(np.mean((p >= 0.5) == (np.array([y for _, y in samples]) >= 0.5)))


@dataclass
class Proposal:
    action: ActionKey
    chance: float  # the model's probability that it leads somewhere new
    toward: float  # +1 when it heads for a goal colour, -1 away, 0 unknown
    trusted: bool


class OnlineLearner:
    def __init__(self, seed: int = 0, min_samples: int = 24, min_accuracy: float = 0.6, min_chance: float = 0.5,
                 goal_bonus: float = 0.5, window: int = 64, carry: bool = True, calibrate: bool = True,
                 step: float = 0.02, lowest: float = 0.2, highest: float = 0.8, min_picks: int = 8,
                 holdout: float = 0.15, cnn: OnlineCNN | None = None, trust_clicks: bool = False) -> None:
        self.seed = seed
        # False: a click is proposed but never trusted, so clicks follow the explorer's order (see the
        # module doc)
        self.trust_clicks = trust_clicks
        self.cnn = cnn  # the checkpoint's policy tuned on this game (`aria-cnn`), averaged with the model
        self.carry = carry  # False: forget the model and the rules at every level-up (an ablation)
        self.model = OnlineModel(seed=seed)
        self.rules = GameRules()
        self.min_samples = min_samples
        self.min_accuracy = min_accuracy
        self.min_chance = min_chance
        self.threshold = min_chance  # the arbiter's bar for the proposal's chance, calibrated by `judge`
        self.calibrate = calibrate
        self.step, self.lowest, self.highest, self.min_picks = step, lowest, highest, min_picks
        self.holdout = holdout
        self.coin = np.random.default_rng(seed + 1)
        # where the fast system was sure and the slow system would pick otherwise: whether each system's
        # recent picks there reached somewhere new
        self.picks: dict[bool, deque[bool]] = {True: deque(maxlen=window), False: deque(maxlen=window)}
        self.goal_bonus = goal_bonus
        self.hits: deque[bool] = deque(maxlen=window)  # prequential: predicted before the outcome was known
        self.samples = 0
        self.prev: tuple[int, bool] = (0, False)
        self.clicked: set[tuple[int, ...]] = set()  # click feature keys seen this level
        # a click's features but whether such a sprite was clicked, by (previous action, colour, signature): the
        # same for every like cell of a board (a lights-out board's 188 untried clicks a step: 2.2 ms to hash)
        self._click_features: dict[tuple, tuple[int, np.ndarray, np.ndarray]] = {}

    # -- features ---------------------------------------------------------------------------------
    def features(self, frame: np.ndarray, mask: np.ndarray | None, action: ActionKey,
                 signature: tuple | None, toward: dict[int, float]) -> np.ndarray:
        a = action[0]
        if a == 6 and signature is not None and 0 <= action[2] < frame.shape[0] and 0 <= action[1] < frame.shape[1]:
            colour = int(frame[action[2], action[1]])
            memo = (self.prev, colour, signature)
            known = self._click_features.get(memo)
            if known is None:
                if len(self._click_features) >= CLICK_MEMO:
                    self._click_features.clear()
                shape = hash(signature) & 0xFFFF
                base = [(BIAS,), (ACTION, a), (PREV, a, *self.prev), (CLICK_COLOUR, colour),
                        (CLICK_SIZE, colour, _size(sum(s[3] for s in signature))), (CLICK_SHAPE, shape)]
                unseen, seen = (np.fromiter((hash(k) % DIM for k in base + [(CLICK_SEEN, flag)]), dtype=np.int64)
                                for flag in (0, 1))
                unseen.setflags(write=False)
                seen.setflags(write=False)
                known = self._click_features[memo] = (shape, unseen, seen)
            return known[2] if (CLICK_SHAPE, known[0]) in self.clicked else known[1]
        keys: list[tuple[int, ...]] = [(BIAS,), (ACTION, a), (PREV, a, *self.prev)]
        if a != 6:
            ahead = self.rules.ahead(frame, mask, a)
            keys += [(AHEAD, a, c) for c in ahead] + [(AHEAD, -1, c) for c in ahead]  # this move; any move
            if a in toward:
                keys.append((TOWARD, int(toward[a])))
        return np.fromiter((hash(k) % DIM for k in keys), dtype=np.int64)

    # -- acting -----------------------------------------------------------------------------------
    @property
    def accuracy(self) -> float:
        return float(np.mean(self.hits)) if self.hits else 0.0

    @property
    def trusted(self) -> bool:
        return self.samples >= self.min_samples and self.accuracy >= self.min_accuracy

    def propose(self, frame: np.ndarray, mask: np.ndarray | None, untried: list[ActionKey],
                signatures: dict[ActionKey, tuple]) -> Proposal | None:
        """The untried action most likely to lead somewhere new (goal-heading moves first)."""
        if not untried:
            return None
        toward = self.rules.toward_goal(frame, mask, sorted({a[0] for a in untried if a[0] != 6}))
        feats = [self.features(frame, mask, a, signatures.get(a), toward) for a in untried]
        chance = self.model.predict(feats)
        if self.cnn is not None and self.cnn.ready:
            chance = 0.5 * (chance + self.cnn.chances(frame, untried))
        bonus = np.array([self.goal_bonus * max(toward.get(a[0], 0.0), 0.0) if a[0] != 6 else 0.0 for a in untried])
        best = int(np.argmax(chance + bonus))  # the first on ties: the explorer's salience order
        heading = toward.get(untried[best][0], 0.0) if untried[best][0] != 6 else 0.0
        sure = chance[best] >= self.threshold or (heading > 0 and chance[best] >= self.threshold / 2)
        trusted = self.trusted and sure and self.may_take(untried[best])
        return Proposal(untried[best], float(chance[best]), heading, trusted)

    def may_take(self, action: ActionKey) -> bool:
        """Whether the fast system may ever act with `action` (clicks only with `trust_clicks`)."""
        return action[0] != 6 or self.trust_clicks

    # -- learning ---------------------------------------------------------------------------------
    def learn(self, before: np.ndarray, mask: np.ndarray | None, action: ActionKey, signature: tuple | None,
              new: bool, after: np.ndarray | None = None) -> None:
        """One transition of this game: `new` when it reached a state not yet in the level's graph or
        completed the level; `after` (for an in-level transition) teaches the rules."""
        toward = self.rules.toward_goal(before, mask, [action[0]]) if action[0] != 6 else {}
        feats = self.features(before, mask, action, signature, toward)
        self.hits.append(bool((self.model.predict([feats])[0] >= 0.5) == new))
        self.model.add(feats, float(new))
        if self.cnn is not None:
            self.cnn.add(before, action, float(new))
        self.samples += 1
        if action[0] == 6 and signature is not None:
            self.clicked.add((CLICK_SHAPE, hash(signature) & 0xFFFF))
        if after is not None and action[0] != 6:
            self.rules.observe_key(before, after, action[0], mask)
        self.prev = (action[0], new)

    def hold_out(self) -> bool:
        """Whether the slow system takes this one of the choices the fast system was sure of, for the
        comparison that calibrates the threshold (never when calibration is off)."""
        return self.calibrate and bool(self.coin.random() < self.holdout)

    def judge(self, fast: bool, new: bool) -> None:
        """The outcome of a choice the fast system was sure of and the slow system would have made
        otherwise, taken by the fast (`fast`) or the slow system: move the threshold down while the fast
        system's picks do at least as well as the slow system's, up while they do worse."""
        self.picks[fast].append(new)
        mine, theirs = self.picks[True], self.picks[False]
        if not self.calibrate or len(mine) < self.min_picks or len(theirs) < self.min_picks:
            return
        better = float(np.mean(mine)) >= float(np.mean(theirs))
        self.threshold = float(np.clip(self.threshold + (-self.step if better else self.step),
                                       self.lowest, self.highest))

    def level_up(self, before: np.ndarray, mask: np.ndarray | None, action: ActionKey) -> None:
        self.rules.observe_level_up(before, action[0], action[1], action[2], mask)
        self.clicked.clear()
        self.prev = (0, False)
        if not self.carry:
            self.model, self.rules = OnlineModel(seed=self.seed), GameRules()
            self.hits.clear()
            self.samples = 0
            self.threshold = self.min_chance
            for picks in self.picks.values():
                picks.clear()
