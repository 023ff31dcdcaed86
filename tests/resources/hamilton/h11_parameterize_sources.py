from hamilton.function_modifiers import parameterize_sources

CASES = [{"inputs": {"spend": 10.0, "clicks": 4.0, "views": 40.0}}]


@parameterize_sources(spend_per_click={"count": "clicks"}, spend_per_view={"count": "views"})
def ratio(spend: float, count: float) -> float:
    return spend / count
