"""The graph explorer (ARIA's slow system): learning tested as learning, against random play.

Both agents play the same real games in-process with the same seeds and action budget; the explorer
must clear clearly more levels and reach level 1 in clearly fewer actions, in this very test.
"""

from __future__ import annotations

import numpy as np
from agent_testkit import FIXTURE_GAMES, frame_response, play_game

from agent.agents.random_agent import RandomAgent
from agent.base import Action, Agent
from agent.explorer import GraphExplorer
from agent.frames import state_key
from arc_client import GameAction, GameState
from arc_client.games import suite_dir
from arc_client.games.heldout import heldout_dir

BUDGET = 500
SEEDS = (0, 1, 2, 3, 4)
# a keyboard maze and a click game from the test fixtures, a larger maze and a click puzzle from the suite
GAMES = ((FIXTURE_GAMES, "fxmz"), (FIXTURE_GAMES, "fxck"), (suite_dir(), "mz01"), (suite_dir(), "sq01"))


class ExplorerAgent(Agent):
    """The bare slow system as an agent (AriaAgent adds the arbiter around it)."""

    name = "explorer"

    def __init__(self, seed: int = 0, **options: object) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, **options)  # type: ignore[arg-type]

    def act(self, latest):  # type: ignore[no-untyped-def]
        return self.explorer.choose(latest)

    def observe(self, action, result):  # type: ignore[no-untyped-def]
        self.explorer.record(action, result)


async def test_explorer_beats_random_on_real_games() -> None:
    totals = {"explorer": [0, 0], "random": [0, 0]}  # levels cleared, actions to level 1 (budget if never)
    per_game = {}
    for games_dir, game in GAMES:
        for name, make in (("explorer", ExplorerAgent), ("random", RandomAgent)):
            levels = 0
            for seed in SEEDS:
                result = await play_game(games_dir, game, make(seed=seed), BUDGET)
                levels += result.levels
                totals[name][0] += result.levels
                totals[name][1] += result.first_level_at or BUDGET
                if name == "explorer":
                    assert all(a.decision.system == "slow" for _, a, _ in result.steps)
            per_game[game, name] = levels
    for _, game in GAMES:
        assert per_game[game, "explorer"] >= per_game[game, "random"], per_game
    print(per_game, totals)
    explorer, random = totals["explorer"], totals["random"]
    assert explorer[0] >= 2 * random[0] + 3, totals
    assert explorer[1] * 2 <= random[1], totals


async def test_masked_states_ignore_the_budget_bar_in_a_real_game() -> None:
    agent = ExplorerAgent(seed=0)
    result = await play_game(suite_dir(), "mz01", agent, 30)
    mask = agent.explorer.mask
    assert mask.any() and mask.mean() < 0.2
    level_one = [after.frame for _, _, after in result.steps if after.levels_completed == 0
                 and after.state is GameState.NOT_FINISHED]
    raw = {f.tobytes() for f in level_one}
    keys = {state_key(f, mask) for f in level_one}
    assert len(raw) == len(level_one)  # the bar makes every raw frame new...
    assert len(keys) <= len(raw) // 2  # ...the masked keys revisit states


async def test_game_over_is_answered_with_reset_and_the_graph_survives_it() -> None:
    agent = ExplorerAgent(seed=0)
    result = await play_game(FIXTURE_GAMES, "fxmz", agent, 60)  # 16 moves per try: several GAME_OVERs
    overs = [i for i, (_, _, after) in enumerate(result.steps) if after.state is GameState.GAME_OVER]
    assert overs
    for i in overs:
        if i + 1 < len(result.steps):
            assert result.steps[i + 1][1].action is GameAction.RESET
    stats = agent.explorer.stats()
    assert stats["game_overs"] == len(overs) and stats["graph_states"] > 3


def test_a_transition_is_an_observation_not_a_law() -> None:
    """The same state and action led to two different states: both are counted and the plan re-plans."""
    explorer = GraphExplorer(seed=0)
    start, left, right = (np.zeros((64, 64), dtype=np.uint8) for _ in range(3))
    left[10:14, 10:14] = 9
    right[10:14, 50:54] = 9
    first = frame_response(start, available=(1,))
    action = explorer.choose(first)
    assert action.action is GameAction.ACTION1 and action.decision.system == "slow"
    assert action.decision.mode == "untried" and action.decision.extra == {"states": 1}
    explorer.record(action, frame_response(left, available=(1,)))
    explorer.record(Action(GameAction.RESET), first)
    # ACTION1 is tried at the start; the only untried action is at `left`, so it plans to go there
    again = explorer.choose(first)
    assert again.action is GameAction.ACTION1 and again.decision.mode == "plan"
    explorer.record(again, frame_response(right, available=(1,)))
    edge = explorer.graph.nodes[state_key(start)].edges[(1, -1, -1)]
    assert edge.tries == 2 and set(edge.outcomes) == {state_key(left), state_key(right)}
    assert not explorer.plan  # the game disagreed with the plan: it is dropped, not followed blindly


def test_clicks_go_to_salient_objects_before_anything_else() -> None:
    frame = np.zeros((64, 64), dtype=np.uint8)
    frame[20:26, 30:36] = 8
    explorer = GraphExplorer(seed=0)
    action = explorer.choose(frame_response(frame, available=(6,)))
    assert action.action is GameAction.ACTION6
    assert frame[action.y, action.x] == 8


BOARD_GAMES = FIXTURE_GAMES.parent / "board_games"


async def test_a_board_of_like_cells_is_clicked_where_nothing_else_is() -> None:
    # 64 like cells over the frame, enough to pass for a tiled floor, with nothing on them: a board (the
    # keys do nothing); one unmarked cell completes the level
    result = await play_game(BOARD_GAMES, "fxtb", ExplorerAgent(seed=0), 300)
    assert result.levels == 2, result.levels
    clicked = {(a.x, a.y) for _, a, _ in result.steps if a.action is GameAction.ACTION6}
    assert len(clicked) >= 10  # cells tried one by one, not one point again and again


def test_a_floor_with_nothing_to_click_on_it_has_its_tiles_clicked() -> None:
    # like cells with a speck on them read as a floor; the speck lies in the HUD, so nothing is left to
    # click but the tiles: the explorer looks closer and clicks them (and only then)
    frame = np.zeros((64, 64), dtype=np.uint8)
    frame.reshape(16, 4, 16, 4)[:, :3, :, :3] = 9
    frame[33, 33] = 3
    hud = np.zeros((64, 64), dtype=bool)
    hud[32:35, 32:35] = True
    closer, blind = GraphExplorer(seed=0), GraphExplorer(seed=0, look_closer=False)
    for explorer in (closer, blind):
        explorer.mask = hud
    action = closer.choose(frame_response(frame, available=(6,)))
    assert action.action is GameAction.ACTION6 and frame[action.y, action.x] == 9
    assert closer.counts["look_closer"] == 1
    assert blind.choose(frame_response(frame, available=(6,))).action is GameAction.RESET  # nothing to try


class ExplorerOf48Clicks(ExplorerAgent):
    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.explorer = GraphExplorer(seed=seed, max_clicks=48)


async def test_every_cell_of_a_board_of_64_objects_is_a_click_candidate() -> None:
    # 64 cells in four colours, each an object; the winning cell is the last in reading order
    result = await play_game(BOARD_GAMES, "fxbb", ExplorerAgent(seed=0), 200)
    assert result.levels == 1, result.levels
    assert len({(a.x, a.y) for _, a, _ in result.steps}) == len(result.steps)  # each cell once
    fewer = await play_game(BOARD_GAMES, "fxbb", ExplorerOf48Clicks(seed=0), 200)
    assert fewer.levels == 0


async def test_a_board_of_like_cells_beside_a_button_is_clicked() -> None:
    # 49 like cells (enough to pass for a floor) within a box of under half the frame, beside a red button
    # that does nothing; one unmarked cell completes the level
    result = await play_game(BOARD_GAMES, "fxpb", ExplorerAgent(seed=0), 200)
    assert result.levels == 1, result.levels
    assert len({(a.x, a.y) for _, a, _ in result.steps}) >= 20  # cells tried one by one


async def test_a_board_filling_the_frame_beside_a_button_is_clicked() -> None:
    # 81 like cells within a box of two thirds of the frame (no board by its size) with nothing else on
    # them, beside a red button that does nothing; one unmarked cell completes the level
    result = await play_game(BOARD_GAMES, "fxlb", ExplorerAgent(seed=0), 200)
    assert result.levels == 1, result.levels
    assert len({(a.x, a.y) for _, a, _ in result.steps}) == len(result.steps)  # each cell once


def test_a_board_read_in_a_level_stays_one_when_a_piece_is_placed_on_it() -> None:
    board = np.zeros((64, 64), dtype=np.uint8)
    board[:48, :48].reshape(12, 4, 12, 4)[:, :3, :, :3] = 9  # 144 like cells with nothing on them
    placed = board.copy()
    placed[41:46, 41:46] = 3  # a piece on four of them
    explorer = GraphExplorer(seed=0)
    explorer.see(frame_response(board, available=(6,)))
    explorer.see(frame_response(placed, available=(6,)))  # another system placed it
    node = explorer.graph.nodes[explorer.state_key(placed)]
    assert len(node.click_signature) == 144 - 4 + 1  # its cells are still click candidates, and the piece
    fresh = GraphExplorer(seed=0)  # the same frame first seen in a level: a floor carrying a piece
    fresh.see(frame_response(placed, available=(6,)))
    assert len(fresh.graph.nodes[fresh.state_key(placed)].click_signature) == 1


async def test_a_block_touching_another_is_clicked_on_its_own() -> None:
    """Depot's level 1 (a held-out game): a click takes hold of a block, the keys move the block held. The
    block to move touches another block, so the two read as one sprite, and a click on that sprite takes
    hold of the other block only; the explorer clears the level once each part of such a sprite is a click
    of its own, and not without."""
    levels = {}
    for parts in (True, False):
        result = await play_game(heldout_dir(), "hz01", ExplorerAgent(seed=0, part_clicks=parts), 800)
        levels[parts] = result.levels
    assert levels[True] >= 1 and levels[False] == 0, levels
