"""The official score of recorded runs, recomputed by the toolkit's own scorer (never re-derived).

Each recording line is fed to `arc_agi`'s Scorecard exactly as the server feeds it live; the
baselines come from the games' metadata.json.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from arc_agi.models import EnvironmentInfo
from arc_agi.scorecard import EnvironmentScorecard
from arc_agi.scorecard import Scorecard as OfficialScorecard
from arcengine import ActionInput as EngineActionInput
from arcengine import FrameDataRaw
from arcengine import GameAction as EngineAction
from arcengine import GameState as EngineState

from .recording import read_recording, recordings_of_one_card
from .types import FrameResponse, GameAction, GameState, ScorecardSummary

_ENGINE_STATE = {s.value: s for s in EngineState}


def _engine_frame(response: FrameResponse) -> FrameDataRaw:
    return FrameDataRaw(
        game_id=response.game_id,
        state=_ENGINE_STATE.get(response.state.value, EngineState.NOT_FINISHED),
        levels_completed=response.levels_completed,
        win_levels=response.win_levels,
        action_input=EngineActionInput(id=EngineAction.from_id(int(response.action_input.id)),
                                       data=dict(response.action_input.data)),
        guid=response.guid,
        full_reset=response.full_reset,
        available_actions=list(response.available_actions),
    )


def score_responses(card: OfficialScorecard, responses: Iterable[FrameResponse]) -> None:
    """Feed one game instance's responses, in order, to an official scorecard.

    Over REST `full_reset` is not reported, so it is inferred the way the engine decides it: a RESET
    is a full reset when it creates the instance, follows a WIN, or comes before any action in the
    current level.
    """
    acted_in_level = False
    previous: FrameResponse | None = None
    for response in responses:
        is_reset = response.action_input.id is GameAction.RESET
        full = response.full_reset
        if is_reset:
            full = full or previous is None or previous.state is GameState.WIN or not acted_in_level
            acted_in_level = False
        else:
            acted_in_level = True
        if previous is not None and response.levels_completed != previous.levels_completed:
            acted_in_level = False
        card.update_scorecard(response.guid, _engine_frame(response), full)
        previous = response


def load_environment_infos(games_dir: str | os.PathLike[str]) -> list[EnvironmentInfo]:
    infos = []
    for path in sorted(Path(games_dir).rglob("metadata.json")):
        info = EnvironmentInfo.model_validate_json(path.read_text(encoding="utf-8"))
        info.local_dir = str(path.parent)
        infos.append(info)
    return infos


def rescore(recordings: str | os.PathLike[str], environment_infos: list[EnvironmentInfo],
            card_id: str | None = None) -> ScorecardSummary:
    """The official scorecard summary of the recordings under a file or directory (plain or gzip).

    They must belong to one scorecard (RecordingError otherwise, as for a damaged or foreign file);
    the summary carries that card's id unless `card_id` is given.
    """
    found_card, files = recordings_of_one_card(recordings)
    card = OfficialScorecard(card_id=card_id or found_card)
    for path in files:
        score_responses(card, (step.response for step in read_recording(path)))
    return official_summary(card, environment_infos)


def official_summary(card: OfficialScorecard, environment_infos: list[EnvironmentInfo]) -> ScorecardSummary:
    """The summary the toolkit's own scorer computes for an official scorecard (never the API key)."""
    official = EnvironmentScorecard.from_scorecard(card, environment_infos)
    official.api_key = None
    return ScorecardSummary.from_json(official.model_dump(mode="json"))
