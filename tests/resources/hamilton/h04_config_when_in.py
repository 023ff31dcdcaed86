from hamilton.function_modifiers import config

CASES = [{"config": {"region": "JP"}}, {"config": {"region": "FR"}}, {"config": {"region": "US"}}]


@config.when_in(region=["JP", "KR"])
def currency__asia() -> str:
    return "yen-or-won"


@config.when_not_in(region=["JP", "KR", "US"])
def currency__other() -> str:
    return "euro"


@config.when(region="US")
def currency__us() -> str:
    return "dollar"


def label(currency: str, region: str) -> str:
    return f"{region}:{currency}"
