"""Drive a built-in game object directly (no toolkit wrapper): oracle playback and random play.

Used by the suite's tests and benchmark, and as the source of expert demonstrations.
"""

import random

from arcengine import ActionInput, FrameDataRaw, GameAction, GameState

from .kit import Plan, PuzzleGame

FRAME = 64


def act(game: PuzzleGame, action: int, x: int | None = None, y: int | None = None) -> FrameDataRaw:
    """One action through the engine, as the toolkit sends it (ACTION6 carries x and y)."""
    data = {"x": x, "y": y} if action == 6 else {}
    result = game.perform_action(ActionInput(id=GameAction.from_id(action), data=data), raw=True)
    if isinstance(result, FrameDataRaw):
        return result
    # After GAME_OVER or WIN the engine refuses actions with a plain FrameData and no frame.
    refused = FrameDataRaw()
    refused.game_id, refused.state, refused.frame = game.game_id, result.state, []
    refused.levels_completed, refused.win_levels = game._score, game.win_score
    refused.available_actions = list(game.AVAILABLE)
    return refused


def play_plan(game: PuzzleGame, plan: Plan) -> FrameDataRaw:
    """Send every step of an oracle plan; returns the last frame response."""
    result = None
    for action, x, y in plan:
        result = act(game, action, x, y)
    if result is None:
        raise ValueError("empty plan")
    return result


def random_action(game: PuzzleGame, rng: random.Random) -> tuple[int, int | None, int | None]:
    """Uniform over the game's available actions; a click lands on a uniform pixel."""
    action = rng.choice(game.AVAILABLE)
    if action == 6:
        return action, rng.randrange(FRAME), rng.randrange(FRAME)
    return action, None, None


def random_clears_level_one(game: PuzzleGame, rng: random.Random) -> bool:
    """Play uniformly at random from a fresh game until level 1 is cleared or its budget is spent."""
    act(game, 0)
    while True:
        result = act(game, *random_action(game, rng))
        if result.levels_completed >= 1:
            return True
        if result.state == GameState.GAME_OVER:
            return False
