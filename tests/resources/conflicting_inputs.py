"""`a` is read as an int by one function and as a str by another; `x` int and float is fine."""


def doubled(a: int, x: int) -> int:
    return a * 2 + x


def shouted(a: str, x: float) -> str:
    return a.upper() + str(x)
