"""`async def` nodes: awaited to completion, also where an event loop already runs.

In a notebook the kernel's loop is running in the calling thread, so `asyncio.run`
would refuse; the coroutine then runs on a worker thread with a loop of its own.
With an executor (`run(..., executor=pool)`), each async node runs in its worker's
own loop, so independent async nodes overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any


class Awaited:
    """The callable of an async node: call, then run the coroutine to its result."""

    def __init__(self, func: Callable[..., Coroutine[Any, Any, Any]]) -> None:
        self.__wrapped__ = func
        self.__name__ = getattr(func, "__name__", "coroutine")
        self.__qualname__ = getattr(func, "__qualname__", self.__name__)
        self.__module__ = getattr(func, "__module__", "")
        self.__doc__ = getattr(func, "__doc__", None)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return run_coroutine(self.__wrapped__(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<awaited {self.__qualname__}>"


def run_coroutine(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """The coroutine's result, whether or not this thread is inside a running loop."""
    __tracebackhide__ = True
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="sideflow-async") as worker:
        return worker.submit(asyncio.run, coroutine).result()


def awaited(func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` itself, or an `Awaited` around it when it is an `async def`."""
    import inspect

    target = inspect.unwrap(func)
    return Awaited(func) if inspect.iscoroutinefunction(target) else func


__all__ = ["Awaited", "awaited", "run_coroutine"]
