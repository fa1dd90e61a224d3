"""Agents by name, from the entry-point group `aria.agents` (ours and third parties' alike)."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from agent.base import Agent
from agent.errors import AgentLoadError, UnknownAgentError

GROUP = "aria.agents"


def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def list_agents() -> list[str]:
    """Names of every registered agent, sorted."""
    return sorted(_entry_points())


def load_agent(name: str) -> type[Agent]:
    """The Agent subclass registered as `name`, or given as an import path `package.module:Class`.

    UnknownAgentError lists the known names.
    """
    found = EntryPoint(name=name, value=name, group=GROUP) if ":" in name else _entry_points().get(name)
    if found is None:
        raise UnknownAgentError(name, list_agents())
    try:
        cls = found.load()
    except Exception as exc:  # a broken third-party package must not crash the CLI with a traceback
        raise AgentLoadError(f"agent '{name}' ({found.value}) failed to import: {type(exc).__name__}: {exc}; "
                             "fix or reinstall the package that registers it") from exc
    if not (isinstance(cls, type) and issubclass(cls, Agent)):
        raise AgentLoadError(f"agent '{name}' ({found.value}) is not an agent.base.Agent subclass; fix its registration")
    return cls
