"""Defines `shared`, also defined in collision_b.py."""


def shared() -> str:
    return "from a"


def uses_shared(shared: str) -> str:
    return shared.upper()
