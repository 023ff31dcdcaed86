"""Optional inputs: positional defaults and a keyword-only one."""


def base(x: int) -> int:
    return x


def scaled(base: int, factor: int = 2, shift: int = 0) -> int:
    return base * factor + shift


def offset(base: int, *, by: int = 100) -> int:
    return base + by


def labelled(offset: int, *, label: str) -> str:
    return f"{label}={offset}"
