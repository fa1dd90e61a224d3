"""ARIA: the agent, its training and evaluation, and the `aria` CLI."""
