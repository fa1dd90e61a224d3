"""Training configuration: TOML presets and files into one typed, validated TrainConfig.

Every key is known: a top-level key from TrainConfig, a `[model]` key from the registry's
MODEL_DEFAULTS, a phase-section key from that phase's `defaults`. Anything else is an error naming
the key and the file. Seeds in the evaluation range are refused here, so no code path trains on them.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from agent.errors import ConfigError

RESERVED_SEEDS = (10_000, 19_999)  # the built-in suite's evaluation seeds, inclusive
CONFIGS_DIR = Path(__file__).resolve().parents[2] / "configs"
DEFAULT_REGISTRY = "agent.training.registry"
# keys that change how a run is carried out, not what it computes (left out of the config hash)
_RUNTIME_KEYS = ("device", "checkpoint_every", "keep_checkpoints", "log_every", "phases")


@dataclass(frozen=True)
class TrainConfig:
    """The resolved configuration of a training run."""

    source: str = "<defaults>"  # the file it came from, for error messages
    registry: str = DEFAULT_REGISTRY  # module defining MODEL_DEFAULTS, build_models, PHASES [, evaluate]
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    train_seeds: tuple[int, int] = (0, 9_999)  # inclusive range of game seeds for training data
    val_seeds: tuple[int, int] = (20_000, 20_199)  # inclusive range for validation (phase 4 sweeps)
    checkpoint_every: int = 100
    keep_checkpoints: int = 3
    log_every: int = 10
    phases: tuple[int, ...] = ()  # the phase numbers to run; empty: every registered phase
    model: dict[str, Any] = field(default_factory=dict)
    phase_settings: dict[str, dict[str, Any]] = field(default_factory=dict)

    def phase(self, name: str) -> dict[str, Any]:
        """The settings of phase `name` (defaults already merged in)."""
        return dict(self.phase_settings.get(name, {}))

    def to_dict(self) -> dict[str, Any]:
        """The TOML-shaped dict (what config.toml in a run directory holds)."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)
                               if f.name not in ("source", "model", "phase_settings")}
        out["train_seeds"] = list(self.train_seeds)
        out["val_seeds"] = list(self.val_seeds)
        out["phases"] = list(self.phases)
        out["model"] = dict(self.model)
        out.update({name: dict(values) for name, values in self.phase_settings.items()})
        return out

    def hash(self) -> str:
        """A digest of everything that changes what the run computes."""
        data = {k: v for k, v in self.to_dict().items() if k not in _RUNTIME_KEYS}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def with_runtime(self, **changes: Any) -> TrainConfig:
        """A copy with runtime keys (device, phases, ...) changed."""
        return replace(self, **changes)


def preset_path(name: str) -> Path:
    """configs/NAME.toml; ConfigError listing the presets when there is none."""
    path = CONFIGS_DIR / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in CONFIGS_DIR.glob("*.toml"))) or "none"
        raise ConfigError(f"unknown preset '{name}'; presets: {known}")
    return path


def parse_seed_range(text: Any, key: str, source: str) -> tuple[int, int]:
    """"A-B" or [A, B] (inclusive) → (A, B); refuses the reserved evaluation seeds."""
    try:
        if isinstance(text, str):
            first, _, last = text.partition("-")
            lo, hi = int(first), int(last or first)
        else:
            lo, hi = (int(v) for v in text)
    except (TypeError, ValueError):
        raise ConfigError(f"{key} in {source} must be A-B or [A, B] (integers), not {text!r}") from None
    if lo < 0 or hi < lo:
        raise ConfigError(f"{key} in {source} must be a range A-B with 0 <= A <= B, not {lo}-{hi}")
    if lo <= RESERVED_SEEDS[1] and hi >= RESERVED_SEEDS[0]:
        raise ConfigError(f"{key} {lo}-{hi} in {source} overlaps the evaluation seeds "
                          f"{RESERVED_SEEDS[0]}-{RESERVED_SEEDS[1]}, which nothing may train or tune on")
    return lo, hi


def parse_override(text: str) -> tuple[list[str], Any]:
    """`a.b=value` → (["a", "b"], value), the value read as TOML (a bare word stays a string)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set expects key=value, not {text!r}")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip().split("."), value


def load_registry(name: str, source: str = "<config>") -> ModuleType:
    """The module that defines the models and phases."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ConfigError(f"registry '{name}' in {source} cannot be imported: {exc}") from None
    for attr in ("MODEL_DEFAULTS", "build_models", "PHASES"):
        if not hasattr(module, attr):
            raise ConfigError(f"registry '{name}' in {source} does not define {attr}")
    return module


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def load_config(path: Path | None = None, overrides: list[str] | tuple[str, ...] = (),
                raw: dict[str, Any] | None = None) -> TrainConfig:
    """Read `path` (or `raw`), apply `--set` overrides, validate every key and the seeds."""
    source = str(path) if path is not None else "<defaults>"
    data: dict[str, Any] = dict(raw) if raw is not None else (read_toml(path) if path is not None else {})
    for text in overrides:
        keys, value = parse_override(text)
        node = data
        for key in keys[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                raise ConfigError(f"--set {text}: '{key}' is not a section")
        node[keys[-1]] = value
    return resolve(data, source)


def resolve(data: dict[str, Any], source: str) -> TrainConfig:
    """Validate a TOML-shaped dict against TrainConfig, the registry's model keys and phase defaults."""
    registry_name = data.get("registry", DEFAULT_REGISTRY)
    if not isinstance(registry_name, str):
        raise ConfigError(f"registry in {source} must be a module name")
    registry = load_registry(registry_name, source)
    phase_defaults = {phase.name: dict(phase.defaults) for phase in registry.PHASES}
    scalar_keys = {f.name for f in fields(TrainConfig)} - {"source", "model", "phase_settings"}
    values: dict[str, Any] = {"source": source, "registry": registry_name}
    model = _merge("model", dict(registry.MODEL_DEFAULTS), data.get("model", {}), source)
    settings: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        if key in phase_defaults or key == "model":
            continue
        if key not in scalar_keys:
            sections = ", ".join(["model", *phase_defaults])
            raise ConfigError(f"unknown config key '{key}' in {source} "
                              f"(keys: {', '.join(sorted(scalar_keys))}; sections: {sections})")
        values[key] = value
    for name, defaults in phase_defaults.items():
        settings[name] = _merge(name, defaults, data.get(name, {}), source)
    for key in ("train_seeds", "val_seeds"):
        if key in values:
            values[key] = parse_seed_range(values[key], key, source)
    base = TrainConfig()
    for key in scalar_keys - {"registry", "train_seeds", "val_seeds"}:
        if key in values:
            values[key] = _typed(key, getattr(base, key), values[key], source)
    if values.get("device", "auto") not in ("auto", "cpu", "cuda"):
        raise ConfigError(f"device in {source} must be auto, cpu or cuda, not {values['device']!r}")
    known_numbers = {phase.number for phase in registry.PHASES}
    for number in values.get("phases", ()):
        if number not in known_numbers:
            raise ConfigError(f"phases in {source} names phase {number}; phases: {sorted(known_numbers)}")
    for key in ("checkpoint_every", "keep_checkpoints", "log_every"):
        if key in values and values[key] < 1:
            raise ConfigError(f"{key} in {source} must be at least 1")
    return TrainConfig(**values, model=model, phase_settings=settings)


def _merge(section: str, defaults: dict[str, Any], given: Any, source: str) -> dict[str, Any]:
    if not isinstance(given, dict):
        raise ConfigError(f"[{section}] in {source} must be a table")
    merged = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            raise ConfigError(f"unknown config key '{section}.{key}' in {source} "
                              f"(known: {', '.join(sorted(defaults)) or 'none'})")
        merged[key] = _typed(f"{section}.{key}", defaults[key], value, source)
    return merged


def _typed(key: str, default: Any, value: Any, source: str) -> Any:
    """`value` checked against the default's type (an int is accepted where a float is expected)."""
    if isinstance(default, bool) or default is None:
        ok = default is None or isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, tuple | list):
        ok = isinstance(value, list | tuple)
        value = tuple(value) if ok and isinstance(default, tuple) else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ConfigError(f"config key '{key}' in {source} must be {type(default).__name__}, not {value!r}")
    return value


def dump_toml(data: dict[str, Any]) -> str:
    """A TOML text of a config dict (scalars and lists at the top, then one table per section)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(value(x) for x in v) + "]"
        raise TypeError(f"cannot write {v!r} as TOML")

    lines = [f"{k} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for section, table in data.items():
        if isinstance(table, dict):
            lines += ["", f"[{section}]", *(f"{k} = {value(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"
