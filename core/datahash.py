"""Fingerprints of data values: equal digests only for values that behave the same.

A digest is a 128-bit hash (xxh3 when `xxhash` is installed, blake2b otherwise) of a
type-tagged, length-prefixed encoding, so `1`, `1.0`, `True` and `"1"` differ, and so
do `[1, 2]` as int64 and as float64. pandas objects are hashed by schema (type, shape,
column labels, dtypes, index, names, attrs) and by content, column by column, from
their buffers; numpy arrays by dtype, shape and bytes; plain data by a canonical
encoding (sets sorted, dicts in insertion order); anything else by pickle, plus the
identity of every class and function the pickle names: the version of the package it
comes from, or, for code in local files, its code. When in doubt the digest differs
(a needless recompute), never the other way round. pandas and numpy are never
imported here: a value of theirs means they are loaded already.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import sysconfig
import types
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

__all__ = ["Unfingerprintable", "fingerprint_or_reason", "fingerprint_value"]


class _Hash(Protocol):
    def update(self, data: bytes | memoryview, /) -> None: ...

    def hexdigest(self) -> str: ...


class Unfingerprintable(Exception):
    """Raised inside the encoder; its message is the reason shown to the user."""


def fingerprint_value(value: Any) -> str | None:
    """The value's digest (hex), or None when it cannot be fingerprinted exactly."""
    return fingerprint_or_reason(value)[0]


def fingerprint_or_reason(value: Any) -> tuple[str | None, str | None]:
    """`(digest, None)`, or `(None, reason)`: why this value has no fingerprint."""
    h = _new_hash()
    try:
        _feed(h, value)
    except Unfingerprintable as exc:
        return None, str(exc)
    except RecursionError:
        return None, f"{_kind(value)} is nested too deeply to fingerprint"
    return h.hexdigest(), None


def _new_hash() -> _Hash:
    try:
        import xxhash
    except ImportError:  # slower, same guarantees
        import hashlib

        return hashlib.blake2b(digest_size=16)
    result: _Hash = xxhash.xxh3_128()
    return result


def _kind(value: Any) -> str:
    kind = type(value)
    if kind.__module__ == "builtins":
        return f"a {kind.__qualname__}"
    return f"a {kind.__module__}.{kind.__qualname__}"


def _put(h: _Hash, tag: bytes, data: bytes | memoryview = b"") -> None:
    """One field: tag, length, bytes, so no two sequences of fields encode alike."""
    h.update(tag + b":" + len(data).to_bytes(8, "little"))
    h.update(data)


def _text(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


# -- plain data ----------------------------------------------------------------------


def _feed(h: _Hash, value: Any) -> None:
    kind = type(value)
    if value is None or kind is bool:
        _put(h, b"c", repr(value).encode())
    elif kind is int:
        _put(h, b"i", hex(value).encode())
    elif kind is float:
        _put(h, b"f", value.hex().encode())
    elif kind is complex:
        _put(h, b"j", f"{value.real.hex()},{value.imag.hex()}".encode())
    elif kind is str:
        _put(h, b"s", _text(value))
    elif kind is bytes:
        _put(h, b"b", value)
    elif kind is list or kind is tuple:
        _put(h, b"L" if kind is list else b"T", str(len(value)).encode())
        for item in value:
            _feed(h, item)
    elif kind is dict:  # insertion order kept: code may depend on it
        _put(h, b"D", str(len(value)).encode())
        for key, item in value.items():
            _feed(h, key)
            _feed(h, item)
    elif kind is set or kind is frozenset:  # iteration order is the hash seed's, so sorted
        items = sorted(bytes.fromhex(_sub_digest(item)) for item in value)
        _put(h, b"S" if kind is set else b"F", b"".join(items))
    elif _is_numpy(value):
        _feed_numpy(h, value)
    elif _is_pandas(value):
        _feed_pandas(h, value)
    else:
        _feed_pickle(h, value)


def _sub_digest(value: Any) -> str:
    h = _new_hash()
    _feed(h, value)
    return h.hexdigest()


# -- numpy ---------------------------------------------------------------------------


def _is_numpy(value: Any) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, (np.ndarray, np.generic))


def _dtype_text(dtype: Any) -> bytes:
    # `dtype.str` is '|V16' for every 16-byte record: the field names and types count too
    return (f"{dtype.str}{dtype.descr!r}" if dtype.fields else dtype.str).encode()


def _feed_numpy(h: _Hash, value: Any) -> None:
    np = sys.modules["numpy"]
    if type(value) is not np.ndarray and not isinstance(value, np.generic):
        _feed_pickle(h, value)  # a subclass (matrix, masked array) carries more than data
        return
    array = np.asarray(value)
    _put(h, b"N" if isinstance(value, np.ndarray) else b"n", _dtype_text(array.dtype))
    _put(h, b"shape", repr(array.shape).encode())
    if array.dtype.hasobject:
        _feed_objects(h, array.ravel())
    else:
        # a byte view: datetime64 and friends have no buffer interface of their own
        _put(h, b"bytes", memoryview(np.ascontiguousarray(array).reshape(-1).view(np.uint8)))


def _feed_objects(h: _Hash, array: Any) -> None:
    """A 1-d object array: all `str` by one joined buffer plus lengths, else by pickle."""
    items = array.tolist()
    if all(type(item) is str for item in items):
        np = sys.modules["numpy"]
        lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
        _put(h, b"strs", memoryview(lengths).cast("B"))
        _put(h, b"text", _text("".join(items)))
    else:
        _feed_pickle(h, array)


# -- pandas --------------------------------------------------------------------------


def _is_pandas(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(value, (pd.DataFrame, pd.Series, pd.Index))


def _feed_pandas(h: _Hash, value: Any) -> None:
    pd = sys.modules["pandas"]
    kind = type(value)
    if kind not in (pd.DataFrame, pd.Series) and not isinstance(value, pd.Index):
        _feed_pickle(h, value)  # a user subclass may hold state of its own
        return
    _put(h, b"P", _text(f"{kind.__module__}.{kind.__qualname__}"))
    _put(h, b"shape", repr(value.shape).encode())
    if isinstance(value, pd.Index):
        _feed_index(h, value)
        return
    _feed(h, value.flags.allows_duplicate_labels)
    _feed(h, dict(value.attrs))
    _feed_index(h, value.index)
    if kind is pd.Series:
        _feed(h, value.name)
        _feed_array(h, value.array)
        return
    _feed_index(h, value.columns)
    for i in range(value.shape[1]):  # by position: duplicate labels are allowed
        _feed_array(h, value.iloc[:, i].array)


def _feed_index(h: _Hash, index: Any) -> None:
    pd = sys.modules["pandas"]
    kind = type(index)
    _put(h, b"I", _text(f"{kind.__qualname__}|{index.dtype}|{len(index)}"))
    _feed(h, list(index.names))
    if kind is pd.RangeIndex:
        _feed(h, (index.start, index.stop, index.step))
    elif kind is pd.MultiIndex:
        for level, codes in zip(index.levels, index.codes, strict=True):
            _feed_index(h, level)
            _feed_numpy(h, codes)
    elif kind.__module__.startswith("pandas."):
        _feed_array(h, index.array)
    else:
        _feed_pickle(h, index)
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex, pd.PeriodIndex)):
        _feed(h, _freq(index))  # `asfreq`, `shift` and friends read it


def _feed_array(h: _Hash, array: Any) -> None:
    """One column's values: from its buffers where the layout is known, else by pickle."""
    pd = sys.modules["pandas"]
    _put(h, b"A", _text(f"{type(array).__qualname__}|{array.dtype!r}|{len(array)}"))
    if isinstance(array, getattr(pd.arrays, "NumpyExtensionArray", None) or pd.arrays.PandasArray):
        _feed_numpy(h, array.to_numpy())
    elif isinstance(array, pd.Categorical):
        _feed(h, array.ordered)
        _feed_index(h, array.categories)
        _feed_numpy(h, array.codes)
    elif isinstance(array, (pd.arrays.DatetimeArray, pd.arrays.TimedeltaArray)):
        _feed_numpy(h, array.asi8)
        _feed(h, _freq(array))
    elif isinstance(array, pd.arrays.PeriodArray):
        _feed_numpy(h, array.asi8)
    elif isinstance(array, (pd.arrays.IntegerArray, pd.arrays.FloatingArray, pd.arrays.BooleanArray)):
        _feed_numpy(h, array._data)  # values under the mask are never read: this is exact enough
        _feed_numpy(h, array._mask)
    elif not _feed_arrow(h, getattr(array, "_pa_array", None)):
        _feed_pickle(h, array)


def _freq(values: Any) -> str | None:
    freq = getattr(values, "freq", None)
    return None if freq is None else str(getattr(freq, "freqstr", freq))


def _feed_arrow(h: _Hash, chunked: Any) -> bool:
    """Arrow-backed columns (pandas' default strings with pyarrow): the bytes each chunk
    uses, not whole buffers, whose padding and sharing vary between equal columns."""
    pa = sys.modules.get("pyarrow")
    if pa is None or not isinstance(chunked, pa.ChunkedArray):
        return False
    kind = chunked.type
    wide = pa.types.is_large_string(kind) or pa.types.is_large_binary(kind)
    if not (wide or pa.types.is_string(kind) or pa.types.is_binary(kind)
            or (pa.types.is_primitive(kind) and kind.bit_width % 8 == 0)):
        return False  # nested types have child arrays with offsets of their own
    np = sys.modules["numpy"]
    _put(h, b"arrow", _text(str(kind)))
    for chunk in chunked.chunks:
        start, n = chunk.offset, len(chunk)
        _put(h, b"chunk", str(n).encode())
        if chunk.null_count:
            _put(h, b"valid", memoryview(chunk.is_valid().to_numpy(zero_copy_only=False).view(np.uint8)))
        buffers = chunk.buffers()
        if pa.types.is_primitive(kind):
            width = kind.bit_width // 8
            _put(h, b"values", memoryview(buffers[1])[start * width:(start + n) * width])
            continue
        offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)[start:start + n + 1]
        first, last = (int(offsets[0]), int(offsets[-1])) if n else (0, 0)
        _put(h, b"offsets", memoryview((offsets - first).astype(np.int64)).cast("B"))
        _put(h, b"data", memoryview(buffers[2])[first:last] if n else b"")
    return True


# -- anything else: pickle, plus what the pickle refers to by name -------------------


class _Pickler(pickle.Pickler):
    """Collects the classes and functions the pickle names, so their code counts."""

    def __init__(self, file: io.BytesIO, buffers: list[pickle.PickleBuffer]) -> None:
        super().__init__(file, protocol=5, buffer_callback=buffers.append)
        self.named: dict[tuple[str, str], Any] = {}

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, (type, types.FunctionType)):
            key = (getattr(obj, "__module__", None) or "?", getattr(obj, "__qualname__", "?"))
            self.named.setdefault(key, obj)
        return NotImplemented


def _feed_pickle(h: _Hash, value: Any) -> None:
    if isinstance(value, (types.ModuleType, types.GeneratorType, io.IOBase)):
        msg = f"{_kind(value)} is not data (it cannot be pickled by value)"
        raise Unfingerprintable(msg)
    file = io.BytesIO()
    buffers: list[pickle.PickleBuffer] = []
    pickler = _Pickler(file, buffers)
    try:
        pickler.dump(value)
    except Exception as exc:
        msg = f"{_kind(value)} cannot be pickled ({type(exc).__name__}: {exc})"
        raise Unfingerprintable(msg) from None
    _put(h, b"pickle", file.getbuffer())
    for buffer in buffers:
        _put(h, b"oob", buffer.raw())
    for (module, qualname), obj in sorted(pickler.named.items()):
        _put(h, b"ref", _text(f"{module}.{qualname}={_code_identity(module, obj)}"))


def _code_identity(module: str, obj: Any) -> str:
    """A named class or function: its package's version, or its code when it is local."""
    top = module.split(".")[0]
    if top in sys.builtin_module_names or top in sys.stdlib_module_names:
        return "python " + sys.version.split()[0]
    version = _package_version(top)
    if version is not None:
        return version
    file = getattr(sys.modules.get(module), "__file__", None)
    if file is None and module != "__main__":
        msg = f"{module}.{getattr(obj, '__qualname__', obj)!s} comes from code of unknown origin"
        raise Unfingerprintable(msg)
    return _local_code_digest(obj)


@lru_cache(maxsize=256)
def _package_version(top: str) -> str | None:
    """The installed distribution's name and version for a top-level module, if any."""
    import importlib.metadata as metadata

    module = sys.modules.get(top)
    file = getattr(module, "__file__", None) or ""
    if not _installed(file):
        return None
    names = metadata.packages_distributions().get(top, [top])
    found = []
    for name in sorted(set(names)):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found) or None


def _installed(file: str) -> bool:
    roots = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")}
    return bool(file) and any(os.path.abspath(file).startswith(r + os.sep) for r in roots)


def _local_code_digest(obj: Any) -> str:
    """Code in the user's own files: the functions' code objects, normalized."""
    h = _new_hash()
    functions: list[Callable[..., Any]] = []
    if isinstance(obj, type):
        for klass in obj.__mro__:
            if klass.__module__ == obj.__module__:
                functions.extend(v for v in vars(klass).values() if isinstance(v, types.FunctionType))
                functions.extend(
                    f for v in vars(klass).values() if isinstance(v, property)
                    for f in (v.fget, v.fset, v.fdel) if f is not None
                )
    elif isinstance(obj, types.FunctionType):
        functions.append(obj)
    for fn in functions:
        _feed_code(h, fn.__code__)
    return h.hexdigest()


def _feed_code(h: _Hash, code: types.CodeType) -> None:
    _put(h, b"code", code.co_code)
    _feed(h, (code.co_names, code.co_varnames, code.co_freevars))
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _feed_code(h, const)
        else:
            _feed(h, const if type(const) is not frozenset else set(const))
