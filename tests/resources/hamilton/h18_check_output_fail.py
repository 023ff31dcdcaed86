from hamilton.function_modifiers import check_output

CASES = [{"inputs": {"x": 5}, "outputs": ["bounded"]},
         {"inputs": {"x": 50}, "outputs": ["bounded"], "error": True}]


@check_output(range=(0, 10), importance="fail")
def bounded(x: int) -> int:
    return x
