"""One function lacks a parameter annotation, another a return annotation."""


def no_param_type(x, y: int) -> int:
    return x + y


def no_return_type(x: int):
    return x
