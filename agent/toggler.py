"""Switches pressed where they lie: ACTION5 on each object of the colour whose pressing completed a level.

Learned while playing (any system's moves):
- what the mover stands on: a key move that puts the mover's box over a small object shows, in the
  frame before it, the object's colour there (the mover hides it once on it);
- the colour to press: ACTION5 completed a level while the mover stood on an object of colour c. A
  press turns such an object into another colour (a switch lit), so the level wants none of c left.

On a level after that, it presses ACTION5 on an object of that colour it stands on (once a visit) and
otherwise walks the mover, by the shortest path over the colours the navigator does not know to block,
to the nearest other object of that colour. Nothing is proposed before a level was completed so, in a
game without ACTION5, or once it made `max_asks` proposals in a level without completing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agent.frames import label_components
from agent.matcher import Move
from agent.navigator import Navigator, shortest_walk, without_mover
from agent.rules import Box


@dataclass
class Toggler:
    max_object: int = 64
    max_nodes: int = 4096
    max_asks: int = 150
    press: set[int] = field(default_factory=set)  # colours whose press completed a level
    # where the mover last stepped: (the frame before the step, the box it stepped to, the mask); what
    # it stands on is read from it only when asked (`under`), not at every move of every game
    landing: tuple[np.ndarray, Box, np.ndarray | None] | None = None
    read: tuple[int | None] | None = None  # `under`'s answer for this landing, once read
    pressed: bool = False  # ACTION5 sent where the mover stands now
    level: int = -1
    asks: int = 0

    def observe(self, before: np.ndarray, action: int, after: np.ndarray, mask: np.ndarray | None,
                navigator: Navigator) -> None:
        """An in-level transition by any system."""
        if action == 5:
            self.pressed = True
            return
        rules = navigator.rules
        if action not in (1, 2, 3, 4) or rules.mover is None:
            return
        b0, b1 = rules.mover_box(before, mask), rules.mover_box(after, mask)
        if b0 is None or b1 is None or b0 == b1:
            return
        self.landing, self.read, self.pressed = (before, b1, mask), None, False

    def level_up(self, action: int, navigator: Navigator) -> None:
        """The action that completed a level."""
        under = self.under(navigator) if action == 5 else None
        if under is not None:
            self.press.add(under)
        self.landing, self.read, self.pressed = None, None, False

    def under(self, navigator: Navigator) -> int | None:
        """The colour of the one small object the mover stepped onto last, as the frame showed it before
        the step (None: floor only, several, or no step yet)."""
        if self.landing is None:
            return None
        if self.read is None:
            self.read = (self._read(navigator),)
        return self.read[0]

    def _read(self, navigator: Navigator) -> int | None:
        assert self.landing is not None
        frame, box, mask = self.landing
        labels = label_components(frame)
        sizes = np.bincount(labels.ravel())
        inside = np.zeros(frame.shape, dtype=bool)
        inside[box[0]:box[2], box[1]:box[3]] = True
        if mask is not None:
            inside &= ~mask
        found = {int(frame[labels == label][0]) for label in np.unique(labels[inside]).tolist()
                 if sizes[label] <= self.max_object}
        found -= {navigator.floor, navigator.rules.mover}
        return found.pop() if len(found) == 1 else None

    def act(self, frame: np.ndarray, available: tuple[int, ...], mask: np.ndarray | None, navigator: Navigator,
            level: int) -> Move | None:
        if level != self.level:
            self.level, self.asks = level, 0
        rules = navigator.rules
        if not self.press or 5 not in available or rules.mover is None or self.asks >= self.max_asks:
            return None
        box = rules.mover_box(frame, mask)
        if box is None:
            return None
        under = self.under(navigator)
        if under in self.press and not self.pressed:
            self.asks += 1
            return Move(5, f"toggler: press the colour-{under} object under the mover")
        moves: list[tuple[int, tuple[int, int]]] = [
            (a, d) for a in (1, 2, 3, 4) if a in available and (d := rules.displacement(a)) is not None]
        if not moves:
            return None
        plain = without_mover(frame, box, rules.mover, navigator.floor)
        labels = label_components(plain)
        size = np.bincount(labels.ravel())[labels]
        goal = np.isin(plain, list(self.press)) & (size <= self.max_object)
        goal[box[0]:box[2], box[1]:box[3]] = False
        blocked = np.isin(plain, [c for c in range(16) if navigator.blocking(c)])
        if mask is not None:
            goal &= ~mask
            blocked |= mask
        if not goal.any():
            return None
        walk = shortest_walk(blocked, goal, box, moves, navigator.blocked, self.max_nodes)
        if walk is None:
            return None
        path, _ = walk
        self.asks += 1
        return Move(path[0][1], f"toggler: {len(path)} moves to an object of colour {sorted(self.press)} to press")
