from __future__ import annotations

from collections.abc import Iterator

import pytest

from arc_client.games import suite_dir
from arc_client.local_server import LocalServer


@pytest.fixture(scope="module")
def suite_server() -> Iterator[LocalServer]:
    """The official local server serving the built-in suite on a free loopback port."""
    with LocalServer(suite_dir()) as server:
        yield server
