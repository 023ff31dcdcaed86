from hamilton.function_modifiers import check_output, extract_fields

CASES = [{"inputs": {"xs": [1.0, 2.0, 6.0]}}]


@check_output(range=(0.0, 10.0), importance="warn", target_="mean")
@extract_fields({"mean": float, "n": int})
def stats(xs: list) -> dict:
    return {"mean": sum(xs) / len(xs), "n": len(xs)}


def report(mean: float, n: int) -> str:
    return f"{n} values, mean {mean:.2f}"
