"""Code hashes: `scored` calls a same-module helper; `membership` holds a set constant."""


def _weight(value: int) -> int:
    return value * 3


def scored(x: int) -> int:
    return _weight(x) + 1


def plain(x: int) -> int:
    return x - 1


def membership(word: str) -> bool:
    return word in {"alpha", "beta", "gamma", "delta", "epsilon"}
