from hamilton.function_modifiers import ResolveAt, extract_fields, resolve

CASES = [{"config": {"fields": ["x", "y"], "hamilton.enable_power_user_mode": True}},
         {"config": {"fields": ["z"], "hamilton.enable_power_user_mode": True}}]


@resolve(when=ResolveAt.CONFIG_AVAILABLE,
         decorate_with=lambda fields: extract_fields({f: int for f in fields}))
def numbers(fields: list) -> dict:
    return {f: len(f) * 10 + i for i, f in enumerate(fields)}
