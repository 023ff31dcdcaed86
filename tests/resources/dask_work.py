"""Nodes for the Dask tests: values that record where they are unpickled, a worker
that dies once or always, a slow node to interrupt, a fast and a slow branch."""

import os
import time


class Payload:
    """A value that appends `<label> <pid>` to its log file whenever it is unpickled."""

    def __init__(self, label: str, data: bytes, log: str) -> None:
        self.label = label
        self.data = data
        self.log = log

    def __reduce__(self):
        return (_unpickled, (self.label, self.data, self.log))

    def __sizeof__(self) -> int:  # what Dask's sizeof sees: large values are scattered
        return len(self.data)


def _unpickled(label: str, data: bytes, log: str) -> Payload:
    with open(log, "a") as file:
        file.write(f"{label} {os.getpid()}\n")
    return Payload(label, data, log)


def big(log: str, size: int) -> Payload:
    return Payload("big", os.urandom(size), log)


def bigger(big: Payload) -> Payload:
    return Payload("bigger", big.data + big.data, big.log)


def other(big: Payload) -> Payload:
    return Payload("other", big.data[::-1], big.log)


def summary(bigger: Payload, other: Payload) -> Payload:
    return Payload("summary", bigger.data[:10] + other.data[:10], bigger.log)


def dies_once(marker: str) -> int:
    """Kills its worker the first time (the marker file does not exist yet)."""
    if not os.path.exists(marker):
        with open(marker, "w") as file:
            file.write(str(os.getpid()))
        os._exit(1)
    return os.getpid()


def after_death(dies_once: int) -> str:
    return "survived"


def always_dies(marker: str) -> int:
    os._exit(1)


def slow(seconds: float) -> float:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.05)
    return seconds


def after_slow(slow: float) -> float:
    return slow * 2


def fast(seconds: float) -> float:
    return -seconds


def joined(slow: float, fast: float) -> float:
    return slow + fast


def measured(blob: Payload) -> int:
    return len(blob.data)
