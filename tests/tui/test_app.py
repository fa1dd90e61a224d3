"""The aria-tui placeholder: it starts, says what exists, and quits on q."""

from __future__ import annotations

from textual.widgets import Static

from aria_tui.app import AriaApp


async def test_the_placeholder_screen_points_to_the_cli_and_quits_on_q() -> None:
    app = AriaApp()
    async with app.run_test() as pilot:
        welcome = app.query_one("#welcome", Static)
        text = str(welcome.render())
        assert "aria eval --arc" in text and "aria play" in text
        await pilot.press("q")
    assert app.return_code == 0
