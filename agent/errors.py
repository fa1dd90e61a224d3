"""Errors of the agent side that a user can act on; the CLI prints them as one line, exit code 2."""

from __future__ import annotations


class AriaError(Exception):
    """Base of every user-facing error raised by `agent/`."""


class ConfigError(AriaError):
    """A bad configuration file or key."""


class CheckpointError(AriaError):
    """A missing, corrupt or incompatible checkpoint."""


class UnknownAgentError(AriaError):
    """An agent name that no installed package registers under the entry-point group `aria.agents`."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        listing = ", ".join(known) if known else "none (reinstall with `pip install -e .`)"
        super().__init__(f"unknown agent '{name}'; known agents: {listing}")


class AgentLoadError(AriaError):
    """A registered agent whose entry point cannot be imported or is not an Agent subclass."""
