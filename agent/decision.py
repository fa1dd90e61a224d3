"""The typed record of one agent step: which system chose the action, and why.

Every `Agent.act` answers an `Action` whose `decision` says which system acted (`fast`, `slow`,
`human` or `harness`), how sure it was, what both systems proposed and what the arbiter weighed. It
is frozen and JSON-safe by construction: numpy scalars and arrays are converted when the record is
built, so nothing downstream (recordings, the live app, results.json) can fail on a `float32`.

`DecisionTally` is the one place where the fast share is counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, get_args

import numpy as np

System = Literal["fast", "slow", "human", "harness"]
SYSTEMS: tuple[str, ...] = get_args(System)


def json_safe(value: Any) -> Any:
    """Plain Python for any nesting of numpy scalars/arrays, tuples, lists and dicts (keys as str).

    Non-finite floats become None: JSON has no NaN.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "value"):  # an enum such as GameAction
        return value.name
    raise TypeError(f"{type(value).__name__} is not JSON-safe; pass numbers, strings, lists or dicts")


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def action_label(action: Any, x: Any = None, y: Any = None) -> str:
    """`ACTION1`, or `ACTION6@12,40` for a click: how proposals and top actions name an action."""
    name = action.name if hasattr(action, "name") else str(action)
    if x is not None and y is not None:
        return f"{name}@{int(x)},{int(y)}"
    return name


@dataclass(frozen=True)
class Proposal:
    """What one system proposed: an action (with click coordinates) and its score (probability,
    confidence or value, as the system's `score_kind` says)."""

    action: str
    x: int | None = None
    y: int | None = None
    score: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", action_label(self.action))
        object.__setattr__(self, "x", None if self.x is None else int(self.x))
        object.__setattr__(self, "y", None if self.y is None else int(self.y))
        object.__setattr__(self, "score", _num(self.score))

    @property
    def label(self) -> str:
        return action_label(self.action, self.x, self.y)

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "x": self.x, "y": self.y, "score": self.score}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Proposal:
        return cls(str(data["action"]), data.get("x"), data.get("y"), data.get("score"))


@dataclass(frozen=True)
class Decision:
    """One step's decision. Only `system` is required; every other figure is optional.

    - `mode`: what the system was doing (`policy`, `explore`, `plan`, `reset`, `manual`, ...)
    - `confidence` vs `threshold`: the fast policy's calibrated confidence and the arbiter's bar
    - `uncertainty`: world-model disagreement; `novelty`: how unfamiliar the state is (0..1)
    - `fast` / `slow`: each system's proposal when it made one (both when both proposed)
    - `top_actions`: (label, probability) pairs, most likely first
    - `click_heatmap`: a 64×64 map of click probabilities (kept in memory for live views; not
      written to recordings unless asked, since it is 4,096 numbers)
    - `think_ms`: time spent deciding; `plan_left`: steps left in the current plan; `reason`: a
      short sentence for people
    """

    system: System
    mode: str = ""
    confidence: float | None = None
    threshold: float | None = None
    uncertainty: float | None = None
    novelty: float | None = None
    fast: Proposal | None = None
    slow: Proposal | None = None
    top_actions: tuple[tuple[str, float], ...] = ()
    click_heatmap: np.ndarray | None = field(default=None, compare=False, repr=False)
    think_ms: float | None = None
    plan_left: int | None = None
    reason: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.system not in SYSTEMS:
            raise ValueError(f"system must be one of {', '.join(SYSTEMS)}, not {self.system!r}")
        setter = object.__setattr__
        for name in ("confidence", "threshold", "uncertainty", "novelty", "think_ms"):
            setter(self, name, _num(getattr(self, name)))
        setter(self, "mode", str(self.mode))
        setter(self, "reason", str(self.reason))
        setter(self, "plan_left", None if self.plan_left is None else int(self.plan_left))
        setter(self, "top_actions", tuple((str(label), float(p)) for label, p in self.top_actions))
        if self.click_heatmap is not None:
            heat = np.asarray(self.click_heatmap, dtype=np.float32)
            if heat.shape != (64, 64):
                raise ValueError(f"click_heatmap must be 64×64, not {heat.shape}")
            heat.setflags(write=False)
            setter(self, "click_heatmap", heat)
        setter(self, "extra", json_safe(dict(self.extra)))

    def replace(self, **changes: Any) -> Decision:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Decision(**values)

    def to_json(self, include_heatmap: bool = False) -> dict[str, Any]:
        """A plain dict (what recordings store under `data["aria"]["decision"]`); None fields left out.
        Exact: `Decision.from_json(d.to_json()) == d`."""
        out: dict[str, Any] = {"system": self.system}
        for name in ("mode", "confidence", "threshold", "uncertainty", "novelty", "think_ms", "plan_left",
                     "reason"):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = value
        if self.fast is not None:
            out["fast"] = self.fast.to_json()
        if self.slow is not None:
            out["slow"] = self.slow.to_json()
        if self.top_actions:
            out["top_actions"] = [[label, p] for label, p in self.top_actions]
        if include_heatmap and self.click_heatmap is not None:
            out["click_heatmap"] = np.round(self.click_heatmap, 4).tolist()
        if self.extra:
            out["extra"] = dict(self.extra)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        heat = data.get("click_heatmap")
        return cls(
            system=data["system"], mode=data.get("mode", ""), confidence=data.get("confidence"),
            threshold=data.get("threshold"), uncertainty=data.get("uncertainty"), novelty=data.get("novelty"),
            fast=Proposal.from_json(data["fast"]) if data.get("fast") else None,
            slow=Proposal.from_json(data["slow"]) if data.get("slow") else None,
            top_actions=tuple((str(a), float(p)) for a, p in data.get("top_actions", ())),
            click_heatmap=np.asarray(heat, dtype=np.float32) if heat is not None else None,
            think_ms=data.get("think_ms"), plan_left=data.get("plan_left"), reason=data.get("reason", ""),
            extra=data.get("extra") or {},
        )


HARNESS_RESET = Decision(system="harness", mode="reset", reason="game over: the harness sent RESET")


@dataclass
class DecisionTally:
    """Counts decisions by system, and by system and mode ("slow/navigate", "fast/policy"): which part of
    the agent took the steps. The fast share is fast / (fast + slow): human and harness steps are not the
    agent's choice between its two systems."""

    counts: dict[str, int] = field(default_factory=dict)  # a plain dict: dataclasses.asdict copies it as is
    modes: dict[str, int] = field(default_factory=dict)  # "system/mode" (the system alone without a mode)

    def add(self, decision: Decision | None) -> None:
        system = decision.system if decision is not None else "none"
        self.counts[system] = self.counts.get(system, 0) + 1
        mode = f"{system}/{decision.mode}" if decision is not None and decision.mode else system
        self.modes[mode] = self.modes.get(mode, 0) + 1

    def extend(self, decisions: Iterable[Decision | None]) -> None:
        for decision in decisions:
            self.add(decision)

    def merge(self, other: DecisionTally) -> None:
        for system, count in other.counts.items():
            self.counts[system] = self.counts.get(system, 0) + count
        for mode, count in other.modes.items():
            self.modes[mode] = self.modes.get(mode, 0) + count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def fast_share(self) -> float | None:
        """None when the agent made no fast/slow decision at all (e.g. the random agent)."""
        fast, slow = self.counts.get("fast", 0), self.counts.get("slow", 0)
        return fast / (fast + slow) if fast + slow else None

    def to_json(self) -> dict[str, int]:
        return {system: count for system, count in sorted(self.counts.items()) if count}

    def modes_json(self) -> dict[str, int]:
        """Counts by "system/mode", the most frequent first."""
        return {mode: count for mode, count in sorted(self.modes.items(), key=lambda kv: (-kv[1], kv[0])) if count}

    def shares(self, most: int = 4) -> str:
        """The `most` most frequent modes with their share of all steps: "slow/navigate 61%, fast/policy 22%"."""
        total = sum(self.modes.values())
        if not total:
            return ""
        top = list(self.modes_json().items())[:most]
        return ", ".join(f"{mode} {count / total:.0%}" for mode, count in top)
