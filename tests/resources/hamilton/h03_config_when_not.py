from hamilton.function_modifiers import config

CASES = [{"config": {"mode": "fast"}, "inputs": {"n": 5}},
         {"config": {"mode": "full"}, "inputs": {"n": 5}},
         {"config": {}, "inputs": {"n": 5}}]


@config.when_not(mode="fast")
def steps__careful(n: int) -> int:
    return n * 10


@config.when(mode="fast")
def steps__fast(n: int) -> int:
    return n


def effort(steps: int) -> float:
    return steps / 2
