"""Defines `shared`, also defined in collision_a.py."""


def shared() -> str:
    return "from b"
