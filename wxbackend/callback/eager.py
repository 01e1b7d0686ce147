"""Finish a coroutine in a task after running it eagerly up to its first suspension."""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import Any

from wxbackend.handlers.messages import Reply


class Continue:
    """The rest of a coroutine that already ran up to its first suspension.

    Awaited inside a task, it hands the task what the coroutine was waiting on and
    relays results, errors and cancellation, as `yield from` would (Python 3.12's eager
    tasks do this natively; we are on 3.11).
    """

    def __init__(self, coro: Coroutine[Any, Any, Reply | None], waiting_on: Any) -> None:
        self._coro = coro
        self._waiting_on = waiting_on

    def __await__(self) -> Generator[Any, Any, Reply | None]:
        coro, waiting_on = self._coro, self._waiting_on
        while True:
            try:
                sent = yield waiting_on
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:  # e.g. CancelledError: the coroutine decides
                try:
                    waiting_on = coro.throw(exc)
                except StopIteration as finished:
                    result: Reply | None = finished.value
                    return result
            else:
                try:
                    waiting_on = coro.send(sent)
                except StopIteration as finished:
                    result = finished.value
                    return result

    async def result(self) -> Reply | None:
        return await self
