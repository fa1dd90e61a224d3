"""What one evaluation run is asked to do: complete, with no CLI objects in it. Saved (without the
API key, which it never holds) in results.json. The CLI and the app both build one and call
`run_eval(config, on_event)`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

RESERVED_EVAL_SEEDS = range(10_000, 20_000)  # built-in game seeds kept for evaluation only
RECORD_FORMATS = ("jsonl.gz", "jsonl")


@dataclass
class EvalConfig:
    games: list[str] = field(default_factory=lambda: ["all"])
    games_dir: str | None = None
    base_url: str | None = None
    api_key_file: str | None = None  # the key itself comes from this file or $ARC_API_KEY, never from here
    rate_limit: float | None = None  # requests per minute over HTTP (None: the server's default; 0: none)
    agent: str = "aria"
    checkpoint: str | None = None
    max_actions: int = 5000
    time_limit: float | None = None
    concurrency: int = 1
    workers: int = 1  # processes playing in-process games (games split across them)
    seed: int = 0
    game_seed: int | None = None  # in-process games built with this seed (None: seed 0, as a server does)
    competition: bool = False
    record: bool = True
    record_format: str = "jsonl.gz"
    overwrite: bool = False  # allow a non-empty run directory
    tags: list[str] = field(default_factory=list)
    run_dir: Path = Path("runs/eval")
    out: Path | None = None

    @property
    def source(self) -> str:
        return self.base_url or self.games_dir or "built-in games"

    @property
    def results_path(self) -> Path:
        return self.out if self.out is not None else self.run_dir / "results.json"

    @property
    def recordings_dir(self) -> Path | None:
        return self.run_dir / "recordings" if self.record else None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["run_dir"] = str(self.run_dir)
        out["out"] = str(self.results_path)
        return out


def game_seed(seed: int, game_id: str) -> int:
    """Each game's agent gets its own seed from the run seed and the game's name, so results do not
    depend on the order or concurrency in which games are played."""
    import zlib

    return (seed * 1_000_003 + zlib.crc32(game_id.split("-", 1)[0].encode())) % (2**31)
