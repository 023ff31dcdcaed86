from hamilton import data_quality
from hamilton.function_modifiers import check_output_custom

CASES = [{"inputs": {"x": 4}}, {"inputs": {"x": 3}, "error": True, "outputs": ["even"]}]


class IsEven(data_quality.base.DataValidator):
    def __init__(self) -> None:
        super().__init__(importance="fail")

    def applies_to(self, datatype: type) -> bool:
        return datatype is int

    def description(self) -> str:
        return "value is even"

    @classmethod
    def name(cls) -> str:
        return "is_even"

    def validate(self, dataset: int) -> data_quality.base.ValidationResult:
        return data_quality.base.ValidationResult(passes=dataset % 2 == 0, message=f"{dataset} parity",
                                                  diagnostics={})


@check_output_custom(IsEven())
def even(x: int) -> int:
    return x
