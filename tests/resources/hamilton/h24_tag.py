from hamilton.function_modifiers import extract_fields, tag, tag_outputs

CASES = [{"inputs": {"x": 2}}]


@tag(owner="growth", pii="false")
def cleaned(x: int) -> int:
    return x + 1


@tag_outputs(low={"kind": "bound"}, high={"kind": "bound", "side": "upper"})
@extract_fields({"low": int, "high": int})
def bounds(cleaned: int) -> dict:
    return {"low": cleaned - 1, "high": cleaned + 1}
