"""The first screen: where games come from, and which one to open (Enter on a row)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Select, Static

from agent.games_table import action_names

from ..sources import GameListing, GameSource, list_games, probe_games

KINDS = [("built-in suite", "suite"), ("directory", "dir"), ("server/API", "server")]


class PickerScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+l", "load", "load games"),
        Binding("f5", "load", "reload", show=False),
    ]
    DEFAULT_CSS = """
    PickerScreen #source-bar { height: 3; }
    PickerScreen #kind { width: 22; }
    PickerScreen #location { width: 2fr; }
    PickerScreen #keyfile { width: 1fr; }
    PickerScreen #seed { width: 10; }
    PickerScreen #agent { width: 14; }
    PickerScreen #load { min-width: 8; width: 8; }
    PickerScreen #games { height: 1fr; }
    PickerScreen #picker-help { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, source: GameSource) -> None:
        super().__init__()
        self.source = source
        self.listings: list[GameListing] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="source-bar"):
            yield Select(KINDS, value=self.source.kind, allow_blank=False, id="kind")
            location = self.source.base_url if self.source.kind == "server" else self.source.games_dir
            yield Input(location or "", placeholder="environment_files dir or server URL", id="location")
            yield Input(self.source.api_key_file or "", placeholder="key file ($ARC_API_KEY)", id="keyfile")
            yield Input(str(self.app_seed), placeholder="seed", type="integer", id="seed")
            yield Input(str(getattr(self.app, "agent_name", "aria")), placeholder="agent", id="agent")
            yield Button("Load", id="load")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="games")
        yield Static("", id="picker-help")
        yield Footer()

    @property
    def app_seed(self) -> int:
        return int(getattr(self.app, "game_seed", 0))

    def on_mount(self) -> None:
        table = self.query_one("#games", DataTable)
        table.add_columns("game", "title", "tags", "levels", "actions")
        table.focus()
        self.load_games()

    def read_source(self) -> GameSource:
        kind = str(self.query_one("#kind", Select).value)
        location = self.query_one("#location", Input).value.strip() or None
        key_file = self.query_one("#keyfile", Input).value.strip() or None
        if kind == "server":
            return GameSource("server", base_url=location, api_key_file=key_file)
        if kind == "dir":
            return GameSource("dir", games_dir=location)
        return GameSource("suite")

    def seed(self) -> int | None:
        text = self.query_one("#seed", Input).value.strip() or "0"
        try:
            return int(text)
        except ValueError:
            return None

    @on(Button.Pressed, "#load")
    @on(Input.Submitted, "#location,#keyfile")
    def action_load(self) -> None:
        self.source = self.read_source()
        self.load_games()

    @on(Select.Changed, "#kind")
    def kind_changed(self, event: Select.Changed) -> None:
        self.query_one("#seed", Input).disabled = event.value == "server"
        if event.value == self.source.kind:  # the initial value, or no change
            return
        if event.value == "suite":
            self.action_load()
        else:
            self.query_one("#location", Input).focus()

    @work(exclusive=True, group="list")
    async def load_games(self) -> None:
        table = self.query_one("#games", DataTable)
        table.clear()
        help_line = self.query_one("#picker-help", Static)
        help_line.update(f"listing games from the {self.source.label}…")
        source = self.source
        try:
            async with source.client() as client:
                self.listings = await list_games(client)
                self.fill(self.listings)
                if source.in_process:
                    self.listings = await probe_games(client, self.listings)
                    self.fill(self.listings)
        except Exception as exc:  # unreachable server, rejected key, a bad directory
            self.listings = []
            self.fill([])
            self.notify(f"cannot list games from the {source.label}: {exc}", severity="error", timeout=10)
            help_line.update(f"no games: {exc}"[:200])
            return
        help_line.update(f"{len(self.listings)} games from the {source.label} · Enter plays · e eval · t train"
                         " · o replay · ctrl+p commands")

    def fill(self, listings: list[GameListing]) -> None:
        table = self.query_one("#games", DataTable)
        row = table.cursor_row
        table.clear()
        for listing in listings:
            info = listing.info
            table.add_row(info.game_id, info.title or "", ", ".join(info.tags),
                          "?" if listing.levels is None else str(listing.levels),
                          "?" if listing.available is None else action_names(listing.available),
                          key=info.game_id)
        if listings:
            table.move_cursor(row=min(row, len(listings) - 1))

    @on(DataTable.RowSelected, "#games")
    def open_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is None:
            return
        seed = self.seed()
        if seed is None:
            self.notify("the seed must be a whole number", severity="warning")
            return
        agent = self.query_one("#agent", Input).value.strip()
        if agent:
            self.app.agent_name = agent  # type: ignore[attr-defined]
        self.app.open_game(self.source, str(event.row_key.value), seed)  # type: ignore[attr-defined]
