"""Build the held-out games' official `environment_files` tree: one self-contained file per game.

Each file is stage.py followed by the game's module minus its stage import, so the toolkit loads it
with nothing of ours installed. The version is the first 8 hex digits of the file's sha256;
`baseline_actions` are the first-time-human estimates of `Stage.baselines` (1.5 x the solver's plan).

    python -m arc_client.games.heldout.bundle     # regenerate arc_client/games/heldout/environment_files
"""

import hashlib
import json
import shutil
from pathlib import Path

from ..bundle import DATE_DOWNLOADED, bundled_source
from . import HELDOUT, HELDOUT_TAG, heldout_dir
from . import stage as stage_module
from .stage import Stage

BUNDLER = "arc_client.games.heldout.bundle"


def write_tree(dest: Path, games: list[type[Stage]] | None = None, tag: str = HELDOUT_TAG,
               bundler: str = BUNDLER) -> list[Path]:
    """Write `<NAME>/<version>/metadata.json` + `<class name lower>.py` per game (default: the held-out
    games; each must carry `tag`); returns files written. `bundler` names the command in each file."""
    written: list[Path] = []
    for cls in HELDOUT if games is None else games:
        if cls.__name__ != cls.NAME.capitalize() or len(cls.NAME) != 4 or tag not in cls.TAGS:
            raise ValueError(f"game {cls.__name__}: name it {cls.NAME.capitalize()} and tag it {tag}")
        source = bundled_source(cls, stage_module, bundler)
        version = hashlib.sha256(source.encode()).hexdigest()[:8]
        metadata = {
            "game_id": f"{cls.NAME}-{version}",
            "title": cls.TITLE,
            "default_fps": cls.FPS,
            "tags": list(cls.TAGS),
            "baseline_actions": cls.baselines(seed=0),
            "date_downloaded": DATE_DOWNLOADED,
            "class_name": cls.__name__,
        }
        folder = dest / cls.NAME / version
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{cls.__name__.lower()}.py").write_text(source, encoding="utf-8")
        (folder / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        written += [folder / "metadata.json", folder / f"{cls.__name__.lower()}.py"]
    return written


def regenerate(dest: Path | None = None) -> list[Path]:
    """Replace the tree at `dest` (default: the committed one) so it holds exactly one version per game."""
    target = heldout_dir() if dest is None else dest
    if target.exists():
        shutil.rmtree(target)
    return write_tree(target)


def main() -> None:
    files = regenerate()
    print(f"{len(files) // 2} held-out games written to {heldout_dir()}")


if __name__ == "__main__":
    main()
