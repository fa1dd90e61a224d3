"""One play-time runtime per module, rebuilt when the module's weights change.

A runtime (the world-model ensemble batched, the fast policy's shortcuts) reads its module's weights
when it is built. Training steps and loaded state dicts change weights in place, which bumps each
parameter's version counter; the cache compares those counters on every look-up (a few microseconds:
the parameter list is kept, not walked again), so a runtime never outlives the weights it was built from.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

import torch
from torch import nn


@dataclass
class _Entry[R]:
    params: list[torch.Tensor]
    version: tuple[int, ...]
    runtime: R


_VERSION = attrgetter("_version")


def _version(params: list[torch.Tensor]) -> tuple[int, ...]:
    return tuple(map(_VERSION, params))


class RuntimeCache[R]:
    def __init__(self, build: Callable[[nn.Module], R]) -> None:
        self.build = build
        self._built: weakref.WeakKeyDictionary[nn.Module, _Entry[R]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, module: nn.Module) -> R:
        with self._lock:
            entry = self._built.get(module)
            if entry is None or _version(entry.params) != entry.version:
                params: list[torch.Tensor] = list(module.parameters())
                entry = self._built[module] = _Entry(params, _version(params), self.build(module))
            return entry.runtime
