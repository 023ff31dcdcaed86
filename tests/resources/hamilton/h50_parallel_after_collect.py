from hamilton.htypes import Collect, Parallelizable

DYNAMIC = True
CASES = [{"inputs": {"words": "a bb ccc"}, "outputs": ["report"]}]


def word(words: str) -> Parallelizable[str]:
    return words.split()


def length(word: str) -> int:
    return len(word)


def lengths(length: Collect[int]) -> list:
    return list(length)


def report(lengths: list, words: str) -> str:
    return f"{words!r}: {lengths}"
