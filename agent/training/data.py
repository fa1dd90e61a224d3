"""Training data from the built-in suite: every visited state with the oracle's answer for it.

One episode plays one level of one seed. At each step the oracle (BFS from the current state) labels
the state with its action and the steps it still needs; the action actually sent is the oracle's,
or with probability `noise` a random one, so demonstrations include the states a learner's mistakes
lead to, each with the expert's correction (noise injection, as in DART). Episodes with noise 1 are
the world model's random transitions. Seeds 10,000–19,999 are reserved for evaluation: the generator
itself refuses them, whatever calls it.
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

    def __len__(self) -> int:
        return len(self.src)

    def save(self, path: str) -> None:
        np.savez_compressed(path, **{f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def load(cls, path: str) -> Transitions:
        with np.load(path) as data:
            return cls(**{f.name: data[f.name] for f in fields(cls)})

    @classmethod
    def concat(cls, parts: Sequence[Transitions]) -> Transitions:
        offset = 0
        out: dict[str, list[np.ndarray]] = {f.name: [] for f in fields(cls)}
        episodes = 0
        for part in parts:
            for f in fields(cls):
                value = getattr(part, f.name)
                if f.name in ("src", "dst"):
                    value = np.where(value >= 0, value + offset, value)
                elif f.name == "episode":
                    value = value + episodes
                out[f.name].append(value)
            offset += len(part.frames)
            episodes += int(part.episode.max()) + 1 if len(part) else 0
        return cls(**{name: np.concatenate(values) for name, values in out.items()})


class _Builder:
    def __init__(self) -> None:
        self.frames: list[np.ndarray] = []
        self.rows: dict[str, list] = {f.name: [] for f in fields(Transitions) if f.name != "frames"}

    def frame(self, frame: np.ndarray) -> int:
        self.frames.append(frame)
        return len(self.frames) - 1

    def row(self, **values: object) -> None:
        for name, value in values.items():
            self.rows[name].append(value)

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
            episode=arr("episode", np.int32),
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
    for _ in range(game.budgets[level]):
        plan = solve_from(game, game.state)
        label = plan[0] if plan else None
        if plan is None and game.UNDO and game._undo:
            label = (7, None, None)  # a dead end the oracle cannot search out of: undo is the expert's move
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
            steps_to_go=len(plan) if plan is not None else -1, mask=action_mask(game.AVAILABLE),
            geometry=geometry(game), game=game_index, episode=episode,
        )
        if outcome != CONTINUE:
            return
        current = nxt


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
            for level in levels:
                eps = 1.0 if rng.random() < random_share else rng.uniform(0.0, noise)
                play_episode(builder, cls, game_index, seed, level, eps, rng, episode)
                episode += 1
    return builder.build()
