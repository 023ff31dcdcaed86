from hamilton.function_modifiers import config

CASES = [{"config": {"env": "prod", "tier": 2}, "inputs": {"base": 100}},
         {"config": {"env": "dev", "tier": 2}, "inputs": {"base": 100}}]


@config.when(env="prod", tier=2)
def discount__prod_t2(base: int) -> int:
    return base // 10


@config.when_not(env="prod")
def discount__dev(base: int) -> int:
    return 0


def net(base: int, discount: int) -> int:
    return base - discount
