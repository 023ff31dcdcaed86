"""Three problems at once: a missing annotation, a type mismatch and a cycle."""


def unannotated(x) -> int:
    return int(x)


def text() -> str:
    return "a"


def number(text: int) -> int:
    return text


def ping(pong: int) -> int:
    return pong


def pong(ping: int) -> int:
    return ping
