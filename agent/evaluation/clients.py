"""Building an ArcClient from what a user asked for: the hosted API or a local toolkit server (with
the API key from a file or $ARC_API_KEY), a games directory, or the built-in games.

The CLI, `run_eval` and the app all build clients here; nothing below the CLI sees click options.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from agent.errors import ConfigError

if TYPE_CHECKING:
    from agent.evaluation.config import EvalConfig
    from arc_client import ArcClient

HOSTED_URL = "https://three.arcprize.org"
HOSTED_RATE_LIMIT = 600  # requests per minute per key on the hosted API
LOOPBACK_HOSTS = ("://127.", "://localhost", "://[::1]")


def is_loopback(base_url: str) -> bool:
    return any(host in base_url for host in LOOPBACK_HOSTS)


def read_api_key(api_key_file: str | None, base_url: str | None) -> str:
    """The key from `api_key_file`, else $ARC_API_KEY; a loopback server accepts any key."""
    if api_key_file:
        try:
            key = Path(api_key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read the API key file {api_key_file}: {exc.strerror}") from None
        if not key:
            raise ConfigError(f"the API key file {api_key_file} is empty")
        return key
    key = os.environ.get("ARC_API_KEY", "").strip()
    if key:
        return key
    if base_url and is_loopback(base_url):
        return "aria-local"
    raise ConfigError(f"no API key: set ARC_API_KEY or pass --api-key-file (get a key at {HOSTED_URL})")


def default_rate_limit(base_url: str) -> float | None:
    """The hosted API's 600 requests/min; no limit for other servers (a local toolkit server)."""
    return HOSTED_RATE_LIMIT if "arcprize.org" in base_url else None


def build_client(games_dir: str | None = None, base_url: str | None = None, api_key_file: str | None = None,
                 recordings_dir: Path | None = None, rate_limit: float | None = None,
                 record_format: str = "jsonl.gz") -> ArcClient:
    """An ArcClient over a remote server (`base_url`), a games directory, or the built-in games (the
    suite and the held-out games).

    `rate_limit` is in requests per minute (0: none; None: the server's default).
    """
    from arc_client import ArcClient

    if base_url:
        per_minute = default_rate_limit(base_url) if rate_limit is None else (rate_limit or None)
        return ArcClient.http(base_url, read_api_key(api_key_file, base_url), recordings_dir,
                              record_format=record_format, requests_per_minute=per_minute)
    if games_dir is None:
        from arc_client.games import builtin_dir

        games_dir = str(builtin_dir())
    return ArcClient.local(games_dir, recordings_dir, record_format=record_format)


def make_client(config_or_games_dir: EvalConfig | str | None = None, base_url: str | None = None,
                api_key_file: str | None = None, recordings_dir: Path | None = None,
                rate_limit: float | None = None) -> ArcClient:
    """`make_client(config)` for an evaluation; the keyword form for `aria games` and `aria play`."""
    from agent.evaluation.config import EvalConfig

    if isinstance(config_or_games_dir, EvalConfig):
        c = config_or_games_dir
        return build_client(c.games_dir, c.base_url, c.api_key_file, c.recordings_dir, c.rate_limit,
                            c.record_format)
    return build_client(config_or_games_dir, base_url, api_key_file, recordings_dir, rate_limit)


def apply_game_seed(client: ArcClient, game_ids: list[str], game_seed: int | None) -> dict[str, list[int]]:
    """Levels built from `game_seed` are scored against the oracle's counts on those levels (built-in
    games), so the official score stays meaningful on held-out seeds. Returns the baselines set."""
    if game_seed is None:
        return {}
    from arc_client.games import seed_baselines
    from arc_client.local_backend import LocalBackend

    if not isinstance(client.backend, LocalBackend):
        raise ConfigError("--game-seed builds levels in-process; a server builds seed 0: drop --game-seed "
                          "or --base-url")
    baselines = {gid: b for gid in game_ids if (b := seed_baselines(gid, game_seed)) is not None}
    client.backend.set_baselines(baselines)
    return baselines
