"""Decorators that annotate functions without wrapping them."""

from . import config
from .cache import cache
from .tag import tag

__all__ = ["cache", "config", "tag"]
