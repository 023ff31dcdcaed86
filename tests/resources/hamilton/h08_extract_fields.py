from hamilton.function_modifiers import extract_fields

CASES = [{"inputs": {"values": [3, 1, 2]}}]


@extract_fields({"low": int, "high": int, "count": int})
def summary(values: list) -> dict:
    return {"low": min(values), "high": max(values), "count": len(values)}


def spread(low: int, high: int) -> int:
    return high - low
