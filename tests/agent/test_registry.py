"""Agents by name through the `aria.agents` entry points (needs `pip install -e .`, as `make` does)."""

from __future__ import annotations

import pytest

from agent.agents.aria_agent import AriaAgent
from agent.agents.random_agent import RandomAgent
from agent.errors import UnknownAgentError
from agent.registry import list_agents, load_agent


def test_builtin_agents_are_registered() -> None:
    assert {"random", "aria"} <= set(list_agents())
    assert load_agent("random") is RandomAgent
    assert load_agent("aria") is AriaAgent


def test_unknown_agent_names_the_known_ones_in_one_line() -> None:
    with pytest.raises(UnknownAgentError) as caught:
        load_agent("randomm")
    message = str(caught.value)
    assert "randomm" in message and "random" in message.replace("randomm", "") and "aria" in message
    assert "\n" not in message
