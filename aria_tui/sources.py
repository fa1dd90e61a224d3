"""Where games come from: the built-in suite, an environment_files directory, or a server.

The API key is read from `ARC_API_KEY` or a key file when a client is made, and is never kept on
screen or in these objects.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from arc_client import ArcClient, GameInfo
from arc_client.games import suite_dir

SourceKind = Literal["suite", "dir", "server"]


class SourceError(Exception):
    """A games source the app cannot use; the message says what to do."""


@dataclass(frozen=True)
class GameSource:
    kind: SourceKind = "suite"
    games_dir: str | None = None
    base_url: str | None = None
    api_key_file: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "server":
            return f"server {self.base_url}"
        if self.kind == "dir":
            return f"directory {self.games_dir}"
        return "built-in suite"

    @property
    def in_process(self) -> bool:
        return self.kind != "server"

    def directory(self) -> Path:
        if self.kind == "suite":
            return suite_dir()
        path = Path(self.games_dir or "")
        if not self.games_dir or not path.is_dir():
            raise SourceError(f"no games directory at '{self.games_dir or ''}': give an environment_files folder")
        return path

    def client(self, recordings_dir: str | os.PathLike[str] | None = None) -> ArcClient:
        """A client for this source; the key is read here (agent.evaluation.clients, as `aria` does)."""
        from agent.evaluation.clients import build_client

        rec = Path(recordings_dir) if recordings_dir is not None else None
        if self.kind == "server":
            if not self.base_url or "://" not in self.base_url:
                raise SourceError(f"'{self.base_url or ''}' is not a server URL: give e.g. http://127.0.0.1:8001")
            return build_client(base_url=self.base_url, api_key_file=self.api_key_file, recordings_dir=rec)
        return build_client(games_dir=str(self.directory()), recordings_dir=rec)


@dataclass(frozen=True)
class GameListing:
    info: GameInfo
    levels: int | None = None
    available: tuple[int, ...] | None = None


async def list_games(client: ArcClient) -> list[GameListing]:
    """Every game with its tags (and, from a server, levels counted from its baselines)."""
    infos = sorted(await client.list_games(), key=lambda g: g.game_id)
    return [GameListing(info, len(info.baseline_actions) or None) for info in infos]


async def probe_games(client: ArcClient, listings: list[GameListing]) -> list[GameListing]:
    """Levels and available actions of in-process games, read from a RESET as `aria games list` does."""
    from agent.games_table import probe_games as probe

    available, levels = await probe(client, [listing.info for listing in listings])
    return [GameListing(listing.info, levels[listing.info.game_id], tuple(available[listing.info.game_id]))
            for listing in listings]
