from hamilton.function_modifiers import extract_fields, parameterize, source

CASES = [{"inputs": {"a": [1, 2, 3], "b": [10, 20]}}]


@parameterize(stats_a={"xs": source("a")}, stats_b={"xs": source("b")})
def stats(xs: list) -> dict:
    return {"total": sum(xs), "size": len(xs)}


@extract_fields({"a_total": int, "a_size": int})
def unpacked_a(stats_a: dict) -> dict:
    return {"a_total": stats_a["total"], "a_size": stats_a["size"]}
