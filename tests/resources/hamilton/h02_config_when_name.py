from hamilton.function_modifiers import config

CASES = [{"config": {"model": "linear"}, "inputs": {"x": 3}},
         {"config": {"model": "square"}, "inputs": {"x": 3}}]


@config.when(model="linear", name="prediction")
def linear_prediction(x: int) -> int:
    return 2 * x + 1


@config.when(model="square", name="prediction")
def square_prediction(x: int) -> int:
    return x * x


def report(prediction: int) -> str:
    return f"predicted {prediction}"
