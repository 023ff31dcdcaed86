from hamilton.function_modifiers import config, source, subdag


@config.when(kind="loud")
def message__loud(text: str) -> str:
    return text.upper() + "!"


@config.when(kind="quiet")
def message__quiet(text: str) -> str:
    return text.lower()


CASES = [{"config": {"kind": "quiet"}, "inputs": {"greeting": "Hello", "text": "Plain"},
          "outputs": ["shout", "message"]}]


@subdag(message__loud, message__quiet, inputs={"text": source("greeting")}, config={"kind": "loud"})
def shout(message: str) -> str:
    return message
