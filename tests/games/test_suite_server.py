"""The official local server serves the exported suite; our HTTP client wins a game by the oracle."""

import pytest

from arc_client import ArcClient, GameAction, GameState
from arc_client.games import SUITE, game_class

CLICK_GAMES = [cls.NAME for cls in SUITE if 6 in cls.AVAILABLE]
# One keyboard game with undo and animation, and one click game when the suite has one.
SERVED = ["pb01", *CLICK_GAMES[:1]]


async def test_server_lists_every_game(suite_server: str) -> None:
    async with ArcClient.http(suite_server, "suite-test-key") as client:
        served = {game.game_id.split("-")[0] for game in await client.list_games()}
    assert served == {cls.NAME for cls in SUITE}


@pytest.mark.parametrize("name", SERVED)
async def test_oracle_wins_over_http(suite_server: str, name: str) -> None:
    cls = game_class(name)
    plans = cls(seed=0).solutions
    async with ArcClient.http(suite_server, "suite-test-key") as client, client.scorecard(tags=["suite-test"]) as card:
        game = await card.start(name, seed=0)
        assert game.state == GameState.NOT_FINISHED
        for plan in plans:
            for action, x, y in plan:
                frame = await game.step(GameAction(action), x=x, y=y)
        assert frame.state == GameState.WIN and frame.levels_completed == cls.LEVELS
