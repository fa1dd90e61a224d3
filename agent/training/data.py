"""Training data from the built-in suite: every visited state with the oracle's answer for it.

One episode plays one level of one seed. At each step the oracle (BFS from the current state) labels
the state with its action and the steps it still needs; the action actually sent is the oracle's,
or with probability `noise` a random one, so demonstrations include the states a learner's mistakes
lead to, each with the expert's correction (noise injection, as in DART). Episodes with noise 1 are
the world model's random transitions. Besides the oracle's one action, each state carries the SET of
optimal actions (and optimal click cells), from exact distances over the level's graph (optimal.py).
Seeds 10,000–19,999 are reserved for evaluation: the generator itself refuses them, whatever calls it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from arcengine import FrameDataRaw

from agent.errors import ConfigError
from agent.models.encoding import action_mask
from agent.training.levels import frame_of, geometry, start_level, state_of
from agent.training.optimal import LevelDistances, level_distances
from agent.training.oracle import solve_from
from arc_client.games.kit import PuzzleGame
from arc_client.games.play import act
from arc_client.types import GameState

RESERVED_SEEDS = range(10_000, 20_000)
CONTINUE, LEVEL_UP, GAME_OVER = 0, 1, 2


class ReservedSeedError(ConfigError):
    """Training asked for seeds reserved for held-out evaluation."""


def check_training_seeds(seeds: Iterable[int]) -> list[int]:
    """The seeds as a list; ReservedSeedError when any lies in 10,000–19,999."""
    chosen = [int(s) for s in seeds]
    bad = [s for s in chosen if s in RESERVED_SEEDS]
    if bad:
        raise ReservedSeedError(f"training seeds {bad[0]}.. overlap the evaluation seeds 10000-19999; "
                                "pick seeds below 10000 or from 20000 up")
    return chosen


@dataclass
class Transitions:
    """One row per visited state; frames are stored once and referenced by index.

    - `src`, `dst`: frame indices before and after the sent action (`dst` = -1 after a level-up,
      whose next frame belongs to the next level and is not the world model's to predict)
    - `action` (0..6 for ACTION1..7), `x`, `y` (-1 unless a click): what was sent; `outcome`
    - `label`, `label_x`, `label_y`: the oracle's action for `src` (-1: no solution from there);
      `steps_to_go`: the oracle's plan length from `src`
    - `mask`: available actions; `geometry`: (offset_x, offset_y, scale) of the board, to tell which
      clicks land in the oracle's cell; `game`: index into the generator's game list; `episode`
    - `optimal` (N, 7): every action one step nearer the goal (the oracle's label alone where the
      level's graph was too large, or the state is unsolvable); `click_row`, `click_x`, `click_y`:
      one entry per optimal click cell (display point of its centre), rows ascending. Files saved
      before these existed load with the oracle's label as the only optimal move.
    """

    frames: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    action: np.ndarray
    x: np.ndarray
    y: np.ndarray
    outcome: np.ndarray
    label: np.ndarray
    label_x: np.ndarray
    label_y: np.ndarray
    steps_to_go: np.ndarray
    mask: np.ndarray
    geometry: np.ndarray
    game: np.ndarray
    episode: np.ndarray
    optimal: np.ndarray | None = None
    click_row: np.ndarray | None = None
    click_x: np.ndarray | None = None
    click_y: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.optimal is None:
            labelled = np.flatnonzero(self.label >= 0)
            self.optimal = np.zeros((len(self.src), 7), dtype=bool)
            self.optimal[labelled, self.label[labelled]] = True
        if self.click_row is None:
            clicks = np.flatnonzero(self.label == 5)
            self.click_row = clicks.astype(np.int32)
            self.click_x = self.label_x[clicks].astype(np.int16)
            self.click_y = self.label_y[clicks].astype(np.int16)

    def optimal_clicks(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position in `rows`, x, y) of every optimal click cell of those rows."""
        assert self.click_row is not None and self.click_x is not None and self.click_y is not None
        rows = np.asarray(rows)
        lo = np.searchsorted(self.click_row, rows, "left")
        hi = np.searchsorted(self.click_row, rows, "right")
        which = np.repeat(np.arange(len(rows)), hi - lo)
        entries = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)] or [np.zeros(0, np.int64)])
        entries = entries.astype(np.int64)
        return which, self.click_x[entries].astype(np.int64), self.click_y[entries].astype(np.int64)

    def __len__(self) -> int:
        return len(self.src)

    def save(self, path: str) -> None:
        np.savez_compressed(path, **{f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def load(cls, path: str) -> Transitions:
        with np.load(path) as data:
            return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data.files})

    @classmethod
    def concat(cls, parts: Sequence[Transitions]) -> Transitions:
        offset = rows = 0
        out: dict[str, list[np.ndarray]] = {f.name: [] for f in fields(cls)}
        episodes = 0
        for part in parts:
            for f in fields(cls):
                value = getattr(part, f.name)
                if f.name in ("src", "dst"):
                    value = np.where(value >= 0, value + offset, value)
                elif f.name == "episode":
                    value = value + episodes
                elif f.name == "click_row":
                    value = value + rows
                out[f.name].append(value)
            offset += len(part.frames)
            rows += len(part)
            episodes += int(part.episode.max()) + 1 if len(part) else 0
        return cls(**{name: np.concatenate(values) for name, values in out.items()})


class _Builder:
    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []
        self.rows: dict[str, list] = {f.name: [] for f in fields(Transitions) if f.name != "frames"}
        self.count = 0

    def frame(self, frame: np.ndarray) -> int:
        self.frames.append(frame)
        return len(self.frames) - 1

    def row(self, clicks: Sequence[tuple[int, int]] = (), **values: object) -> None:
        """One row; `clicks`: the display points of its optimal click cells."""
        for name, value in values.items():
            self.rows[name].append(value)
        for x, y in clicks:
            self.rows["click_row"].append(self.count)
            self.rows["click_x"].append(x)
            self.rows["click_y"].append(y)
        self.count += 1

    def build(self) -> Transitions:
        def arr(name: str, dtype: type) -> np.ndarray:
            return np.asarray(self.rows[name], dtype=dtype)

        frames = np.stack(self.frames) if self.frames else np.zeros((0, 64, 64), np.uint8)
        mask = np.asarray(self.rows["mask"], dtype=bool).reshape(-1, 7)
        geo = np.asarray(self.rows["geometry"], dtype=np.int16).reshape(-1, 3)
        return Transitions(
            frames=frames, src=arr("src", np.int32), dst=arr("dst", np.int32), action=arr("action", np.int8),
            x=arr("x", np.int16), y=arr("y", np.int16), outcome=arr("outcome", np.int8), label=arr("label", np.int8),
            label_x=arr("label_x", np.int16), label_y=arr("label_y", np.int16),
            steps_to_go=arr("steps_to_go", np.int16), mask=mask, geometry=geo, game=arr("game", np.int16),
            episode=arr("episode", np.int32), optimal=np.asarray(self.rows["optimal"], dtype=bool).reshape(-1, 7),
            click_row=arr("click_row", np.int32), click_x=arr("click_x", np.int16), click_y=arr("click_y", np.int16),
        )


def random_move(game: PuzzleGame, rng: random.Random) -> tuple[int, int, int]:
    """A random available action; clicks land on a cell worth clicking (or anywhere, one time in four)."""
    action = rng.choice([a for a in game.AVAILABLE])
    if action != 6:
        return action, -1, -1
    puzzle = game.puzzles[game.level_index]
    targets = game.click_targets(puzzle, game.state)
    if targets and rng.random() < 0.75:
        x, y = game.display_point(puzzle, rng.choice(targets))
        return 6, x, y
    return 6, rng.randrange(64), rng.randrange(64)


Chooser = Callable[[PuzzleGame, FrameDataRaw], tuple[int, int, int]]


def play_episode(builder: _Builder, cls: type[PuzzleGame], game_index: int, seed: int, level: int,
                 noise: float, rng: random.Random, episode: int, chooser: Chooser | None = None) -> None:
    """One level from its start until it is cleared, lost, or the budget runs out. The action sent is
    `chooser`'s when given (DAgger: the learner acts, the oracle labels), else the noisy oracle's."""
    game, raw = start_level(cls, seed, level)
    current = builder.frame(frame_of(raw))
    graph = level_distances(game, game.puzzles[level], game.state)
    for _ in range(game.budgets[level]):
        label, steps, optimal, clicks = oracle_labels(game, graph)
        if chooser is not None:
            action, x, y = chooser(game, raw)
        elif label is not None and rng.random() >= noise:
            action, x, y = label[0], label[1] if label[1] is not None else -1, label[2] if label[2] is not None else -1
        else:
            action, x, y = random_move(game, rng)
        raw = act(game, action, x if x >= 0 else None, y if y >= 0 else None)
        outcome = LEVEL_UP if raw.levels_completed > level else (
            GAME_OVER if state_of(raw) is GameState.GAME_OVER else CONTINUE)
        nxt = builder.frame(frame_of(raw)) if outcome != LEVEL_UP else -1
        builder.row(
            src=current, dst=nxt, action=action - 1, x=x, y=y, outcome=outcome,
            label=label[0] - 1 if label else -1,
            label_x=label[1] if label and label[1] is not None else -1,
            label_y=label[2] if label and label[2] is not None else -1,
            steps_to_go=steps, mask=action_mask(game.AVAILABLE),
            geometry=geometry(game), game=game_index, episode=episode, optimal=optimal, clicks=clicks,
        )
        if outcome != CONTINUE:
            return
        current = nxt


Step = tuple[int, int | None, int | None]


def oracle_labels(game: PuzzleGame, graph: LevelDistances | None
                  ) -> tuple[Step | None, int, np.ndarray, list[tuple[int, int]]]:
    """(the oracle's action, its plan length (-1: unsolvable), the (7,) optimal-action mask, the
    display points of the optimal click cells) for `game`'s current state.

    From the level's exact distances when there are some: the oracle's action is then the first optimal
    move in the BFS's move order, which is exactly the first step of `solve_from`'s plan (BFS meets
    shortest paths in that order). Without distances (graph over the cap), `solve_from` labels and its
    action is the only optimal one. In an unsolvable state the oracle undoes, where there is undo.
    """
    puzzle = game.puzzles[game.level_index]
    optimal = np.zeros(7, dtype=bool)
    clicks: list[tuple[int, int]] = []
    label: Step | None = None
    if graph is not None:
        known = graph.steps_to_go(game.state)
        steps = -1 if known is None else known
        for action, cell in graph.optimal_moves(game.state):
            optimal[action - 1] = True
            point = game.display_point(puzzle, cell) if cell is not None else None
            if point is not None:
                clicks.append(point)
            if label is None:
                label = (action, None, None) if point is None else (action, *point)
    else:
        plan = solve_from(game, game.state)
        steps = -1 if plan is None else len(plan)
        label = plan[0] if plan else None
        if label is not None:
            optimal[label[0] - 1] = True
            if label[0] == 6 and label[1] is not None and label[2] is not None:
                clicks.append((label[1], label[2]))
    if steps < 0 and game.UNDO and game._undo:
        label = (7, None, None)  # a dead end the oracle cannot search out of: undo is the expert's move
        optimal[6] = True
    return label, steps, optimal, clicks


def generate(games: Sequence[type[PuzzleGame]], seeds: Iterable[int], levels: Sequence[int] = (0, 1, 2),
             noise: float = 0.25, random_share: float = 0.2, rng_seed: int = 0) -> Transitions:
    """Episodes for every game × seed × level: a `random_share` of them random (noise 1), the rest
    oracle demonstrations with a per-episode noise drawn in [0, `noise`]."""
    chosen = check_training_seeds(seeds)
    rng = random.Random(rng_seed)
    builder = _Builder()
    episode = 0
    for game_index, cls in enumerate(games):
        for seed in chosen:
            for level in (lv for lv in levels if lv < cls.LEVELS):  # games have 5 or 6 levels
                eps = 1.0 if rng.random() < random_share else rng.uniform(0.0, noise)
                play_episode(builder, cls, game_index, seed, level, eps, rng, episode)
                episode += 1
    return builder.build()
