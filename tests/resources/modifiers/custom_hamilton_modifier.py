"""A user's own Hamilton modifier (a NodeTransformer subclass): Hamilton's resolver applies it."""

from hamilton import node
from hamilton.function_modifiers import base


class with_doubled(base.SingleNodeNodeTransformer):
    """Adds `<name>_doubled` beside the node."""

    def transform_node(self, node_: node.Node, config: dict, fn) -> list[node.Node]:
        doubled = node.Node(f"{node_.name}_doubled", node_.type, callabl=lambda **kw: 2 * kw[node_.name],
                            input_types={node_.name: node_.type})
        return [node_, doubled]

    def validate(self, fn) -> None:
        pass


@with_doubled()
def base_value(x: int) -> int:
    return x + 1
