"""A decorator from some other library, shaped like a node modifier: it must not be ignored."""


class explode:
    """Marks a function the way Hamilton's lifecycle decorators do, without being one."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def transform_dag(self, nodes, config, fn):
        return nodes

    def __call__(self, fn):
        fn.transform = [self]
        return fn


@explode("a", "b")
def pair(x: int) -> dict:
    return {"a": x, "b": x + 1}


def total(pair: dict) -> int:
    return sum(pair.values())
