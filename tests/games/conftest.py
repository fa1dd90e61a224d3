"""Fixtures of the built-in suite's tests: the exported tree and the official server serving it."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from arc_client.games import export
from arc_client.local_server import LocalServer


@pytest.fixture(scope="session")
def exported_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite exported as an official environment_files tree in a temporary directory."""
    target = tmp_path_factory.mktemp("suite") / "environment_files"
    export(target)
    return target


@pytest.fixture(scope="session")
def suite_server(exported_suite: Path) -> Iterator[str]:
    """`Arcade.listen_and_serve` over the exported suite on a free loopback port; yields its base URL."""
    with LocalServer(exported_suite) as server:
        yield server.base_url
