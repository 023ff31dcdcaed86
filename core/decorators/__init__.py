"""Decorators that annotate functions without wrapping them."""

from . import config
from .tag import tag

__all__ = ["config", "tag"]
