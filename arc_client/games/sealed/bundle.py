"""Build the sealed games' official `environment_files` tree, as the held-out games' is built
(`arc_client.games.heldout.bundle`: stage.py pasted above each game's module).

    python -m arc_client.games.sealed.bundle     # regenerate arc_client/games/sealed/environment_files
"""

import shutil
from pathlib import Path

from ..heldout.bundle import write_tree
from . import SEALED, SEALED_TAG, sealed_dir

BUNDLER = "arc_client.games.sealed.bundle"


def regenerate(dest: Path | None = None) -> list[Path]:
    """Replace the tree at `dest` (default: the committed one) so it holds exactly one version per game."""
    target = sealed_dir() if dest is None else dest
    if target.exists():
        shutil.rmtree(target)
    return write_tree(target, SEALED, SEALED_TAG, BUNDLER)


def main() -> None:
    files = regenerate()
    print(f"{len(files) // 2} sealed games written to {sealed_dir()}")


if __name__ == "__main__":
    main()
