"""The game picker: what it lists, Enter opens the selected game, and bad sources are reported."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from textual.widgets import DataTable
from tuikit import fixture_app, notifications, until

from arc_client import ArcClient
from arc_client.games import suite_dir
from aria_tui.app import AriaApp
from aria_tui.screens.picker import PickerScreen
from aria_tui.screens.play import PlayScreen
from aria_tui.sources import GameSource


async def test_opens_on_the_built_in_suite_and_enter_opens_the_first_game() -> None:
    async with ArcClient.local(suite_dir()) as client:
        first = sorted(g.game_id for g in await client.list_games())[0]
    app = AriaApp()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PickerScreen)
        table = app.screen.query_one("#games", DataTable)
        await until(lambda: table.row_count == 10 and "?" not in str(table.get_row_at(0)), what="the suite listed")
        assert table.get_row_at(0)[0] == first and table.cursor_row == 0
        assert app.focused is table
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, PlayScreen) and app.screen.opened.is_set(), what="the game open")
        session = app.screen.session
        assert session.game_id == first and session.card.summary is None
        await pilot.press("q")
    assert app.return_code == 0 and session.card.summary is not None


async def test_a_directory_lists_tags_levels_and_available_actions() -> None:
    app = fixture_app()
    async with app.run_test(size=(120, 40)):
        table = app.screen.query_one("#games", DataTable)
        await until(lambda: table.row_count == 2 and "?" not in str(table.get_row_at(1)), what="probed rows")
        rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(2)}
        assert rows["fxck-4e5f6a7b"][2:] == ["click", "2", "A6"]
        assert rows["fxmz-0a1b2c3d"][4] == "A1 A2 A3 A4"


async def test_an_unreachable_server_is_a_notification_and_the_app_keeps_going() -> None:
    app = AriaApp(GameSource("server", base_url="http://127.0.0.1:9"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: any("cannot list games" in m for m in notifications(app)), what="the notification")
        message = next(m for m in notifications(app) if "cannot list games" in m)
        assert "127.0.0.1:9" in message
        await pilot.press("question_mark")  # still answering keys
        await until(lambda: bool(app.screen.query("HelpPanel")), what="the keys panel")


@pytest.fixture
def rejecting_server() -> Iterator[str]:
    """A real HTTP server that rejects every key (as the hosted API does a wrong one), quoting it."""

    class Rejecting(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            key = self.headers.get("X-API-Key", "")
            body = json.dumps({"error": "UNAUTHORIZED", "message": f"invalid API key {key}"}).encode()
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Rejecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_a_rejected_key_is_a_notification_that_never_shows_the_key(rejecting_server, tmp_path) -> None:
    secret = "sk-test-0123456789abcdef"
    key_file = tmp_path / "key"
    key_file.write_text(secret)
    app = AriaApp(GameSource("server", base_url=rejecting_server, api_key_file=str(key_file)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(lambda: notifications(app), what="a notification")
        message = notifications(app)[0]
        assert "401" in message and "ARC_API_KEY" in message and secret not in message
        assert secret not in pilot.app.export_screenshot()


async def test_a_missing_or_empty_key_file_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ARC_API_KEY", raising=False)
    empty = tmp_path / "key"
    empty.write_text("")
    app = AriaApp(GameSource("server", base_url="https://three.arcprize.org", api_key_file=str(empty)))
    async with app.run_test(size=(120, 40)):
        await until(lambda: notifications(app), what="a notification")
        assert "is empty" in notifications(app)[0]
    app = AriaApp(GameSource("server", base_url="https://three.arcprize.org"))
    async with app.run_test(size=(120, 40)):
        await until(lambda: notifications(app), what="a notification")
        assert "no API key: set ARC_API_KEY" in notifications(app)[0]


async def test_games_from_the_official_local_server(local_server: str) -> None:
    app = AriaApp(GameSource("server", base_url=local_server), agent="tui_agents:FastTestAgent")
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#games", DataTable)
        await until(lambda: table.row_count == 2, what="the served games")
        await pilot.press("enter")
        await until(lambda: isinstance(app.screen, PlayScreen) and app.screen.opened.is_set(), what="the game open")
        screen = app.screen
        await pilot.press("n")
        await until(lambda: screen.session.actions == 1, what="one agent step over HTTP")
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, PickerScreen), what="back to the picker")
        assert screen.session.card.summary is not None
