from hamilton.function_modifiers import parameterize, tag, value

CASES = [{"inputs": {"base": 2}}]


@tag(family="powers")
@parameterize(square={"power": value(2)}, cube={"power": value(3)})
def raised(base: int, power: int) -> int:
    return base**power
