"""A time limit for user code run on sideflow's behalf (a repr): a hang must not freeze the widget."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DeadlineExceeded(TimeoutError):
    """The code took longer than the limit; raised inside it, like KeyboardInterrupt."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Raise DeadlineExceeded in the block after `seconds` (POSIX, main thread: where the
    kernel runs cells and widget messages). Elsewhere, or when a timer is already set by
    someone else, the block runs unlimited rather than disturbing them."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise DeadlineExceeded(f"{what} took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
