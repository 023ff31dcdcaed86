from hamilton.function_modifiers import load_from, value

CASES = [{"inputs": {}, "outputs": ["summary"]}]


@load_from.literal(value=value({"a": 1, "b": 2}), inject_="data")
def summary(data: dict) -> int:
    return sum(data.values())
