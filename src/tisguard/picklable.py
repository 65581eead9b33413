"""Objects that hold a lock but travel in the reference snapshot (Spark broadcasts it by pickling)."""

from __future__ import annotations

import threading


class PicklesWithoutLock:
    """Pickles its state without `_lock` and makes a new one (of `_lock_factory`) when unpickled."""

    _lock_factory = threading.Lock

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = type(self)._lock_factory()  # through the class: a plain function factory is not bound
