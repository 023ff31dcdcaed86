from hamilton.function_modifiers import parameterize_values

CASES = [{"inputs": {"base": 7}}]


@parameterize_values(parameter="offset", assigned_output={("plus_one", "one more"): 1,
                                                          ("plus_two", "two more"): 2})
def shifted(base: int, offset: int) -> int:
    return base + offset
