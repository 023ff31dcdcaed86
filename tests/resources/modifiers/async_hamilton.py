"""Async functions in a Hamilton module: plain ones are awaited; with a modifier, refused."""

import asyncio

from hamilton.function_modifiers import extract_fields, tag


@tag(kind="io")
async def fetched(x: int) -> int:
    await asyncio.sleep(0)
    return x * 3


@extract_fields({"low": int, "high": int})
async def bounds(fetched: int) -> dict:
    return {"low": fetched - 1, "high": fetched + 1}
