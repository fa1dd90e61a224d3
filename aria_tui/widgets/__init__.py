"""Widgets of the app: the frame grid, the arbiter panel and the history strip."""
