"""A Hamilton lifecycle decorator of a step Hamilton's resolver does not read (a newer release's)."""

from hamilton.function_modifiers import base


class rewrite(base.NodeTransformLifecycle):
    @classmethod
    def get_lifecycle_name(cls) -> str:
        return "rewrite"

    @classmethod
    def allows_multiple(cls) -> bool:
        return False

    def validate(self, fn) -> None:
        pass


@rewrite()
def doubled(x: int) -> int:
    return 2 * x
