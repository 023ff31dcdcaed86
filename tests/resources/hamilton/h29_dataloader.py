from hamilton.function_modifiers import dataloader, datasaver

CASES = [{"inputs": {"n": 3}}]


@dataloader()
def loaded(n: int) -> tuple[list, dict]:
    return list(range(n)), {"source": "generated", "n": n}


@datasaver()
def stored(loaded: list) -> dict:
    return {"stored": len(loaded)}
