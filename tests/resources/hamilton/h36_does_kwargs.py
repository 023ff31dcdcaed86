from hamilton.function_modifiers import does

CASES = [{"inputs": {"first": "a", "second": "b"}}]


def _join(**parts: str) -> str:
    return "-".join(parts[k] for k in sorted(parts))


@does(_join)
def joined(first: str, second: str) -> str:
    pass


def _pick(value: int, **unused: int) -> int:
    return value


@does(_pick, value="first_len")
def chosen(first_len: int) -> int:
    pass


def first_len(first: str) -> int:
    return len(first) + 2
