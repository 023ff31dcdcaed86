from hamilton.function_modifiers import pipe_input, step, value

CASES = [{"inputs": {"words": ["b", "a", "c"]}}]


def _sorted(v: list, reverse: bool) -> list:
    return sorted(v, reverse=reverse)


def _first(v: list, n: int) -> list:
    return v[:n]


@pipe_input(step(_sorted, reverse=value(True)), step(_first, n=value(2)))
def top(words: list) -> str:
    return ",".join(words)
