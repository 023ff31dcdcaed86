from hamilton.function_modifiers import extract_fields, parameterize, value

CASES = [{"inputs": {"x": 1}}, {"inputs": {"x": 1, "bump": 5}}]


@parameterize(one={"k": value(1)}, two={"k": value(2)})
def stepped(x: int, k: int, bump: int = 0) -> int:
    return x * k + bump


@extract_fields({"lo": int, "hi": int})
def window(x: int, width: int = 3) -> dict:
    return {"lo": x - width, "hi": x + width}
