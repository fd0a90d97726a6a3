"""The machine's second core for a long job: a helper process applies a pure function to a stream
of work items while this process does the rest (the import's commit prepares chunk N+1 there
while it writes chunk N here: benchmarks/datahub_import.py).

The helper is our own interpreter running ``python -m tongyou.core.parallel``. It is told the
function (``module:name``) and its set-up once, then given the items one by one, and answers each
in order. It sets up no Django and opens no database: the function must need neither (the caller
keeps every database read and write). Items are written to the helper by a thread, so neither
process waits on a full pipe while the other does; at most `ahead` items are outstanding, so
memory stays bounded however long the stream. Answers are read back with a restricted unpickler
that admits plain values and dates only.

`in_process=True` runs the same function here, item by item: small jobs are not worth a process,
and both ways give the same answers (tongyou/core/tests/test_parallel.py).
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

DATETIME_TYPES = {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")}


class PlainUnpickler(pickle.Unpickler):
    """Only plain values (numbers, text, bytes, lists, tuples, dicts, sets) and dates load: a
    stream that names any other class is refused, whoever wrote it."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in DATETIME_TYPES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


class HelperFailed(RuntimeError):
    """The helper process failed or ended before answering every item."""


def function_named(reference: str) -> Callable[[Any, Any], Any]:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


_END = object()


def pipelined(
    function: str,
    setup: Any,
    items: Iterable[Any],
    *,
    ahead: int = 2,
    environment: Mapping[str, str] | None = None,
    in_process: bool = False,
) -> Iterator[Any]:
    """`function(setup, item)` for each item, in order. The items are drawn here, in the
    caller's thread (so they may come from the caller's database transaction); the answers come
    from the helper, which works on the next items while the caller deals with this one.
    `environment` is given to the helper over the pipe, not on its command line (keys)."""
    if in_process:
        apply = function_named(function)
        for item in items:
            yield apply(setup, item)
        return
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-s", "-m", "tongyou.core.parallel"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            "LANG": "C.UTF-8",
        },
        close_fds=True,
    )
    assert process.stdin is not None and process.stdout is not None  # noqa: S101 (PIPE above)
    stdin, stdout = process.stdin, process.stdout
    outbox: queue.Queue = queue.Queue()

    def feed() -> None:
        try:
            while (message := outbox.get()) is not _END:
                pickle.dump(message, stdin, protocol=pickle.HIGHEST_PROTOCOL)
                stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the helper ended early: reading its answers says so
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    outbox.put((function, dict(environment or {}), setup))
    source = iter(items)
    outstanding = 0
    finished = False
    try:
        for item in itertools.islice(source, ahead):
            outbox.put(item)
            outstanding += 1
        while outstanding:
            try:
                answer = PlainUnpickler(stdout).load()
            except (EOFError, OSError, ValueError, TypeError, AttributeError):
                raise HelperFailed(f"the helper process ended (exit status {_ended(process)})") from None
            except pickle.UnpicklingError as exc:
                raise HelperFailed(f"the helper answered what is not a plain value ({exc})") from None
            outstanding -= 1
            if answer[0] != "ok":
                raise HelperFailed(f"{answer[1]}: {answer[2]}")
            following = next(source, _END)
            if following is not _END:
                outbox.put(following)
                outstanding += 1
            yield answer[1]
        finished = True
    finally:
        outbox.put(_END)
        if not finished and process.poll() is None:
            process.kill()  # the caller stopped early (a failure, a refusal): nothing more is wanted
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)  # it ends once its input is closed
        if process.poll() is None:
            process.kill()
            process.wait()
        feeder.join(timeout=5)
        with contextlib.suppress(OSError):
            stdout.close()


def _ended(process: subprocess.Popen) -> int:
    """The exit status of a helper that stopped answering (ended at once if it lingers)."""
    try:
        return process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def serve(stdin: Any, stdout: Any) -> None:
    """The helper's side: the function and its set-up, then one answer per item until the
    input ends. A failure is answered as ("error", type, message) and ends the helper."""
    reference, environment, setup = pickle.load(stdin)  # noqa: S301 - written by our own parent
    os.environ.update(environment)
    apply = function_named(reference)
    while True:
        try:
            item = pickle.load(stdin)  # noqa: S301 - written by our own parent
        except EOFError:
            return
        try:
            answer: tuple = ("ok", apply(setup, item))
        except Exception as exc:  # the parent raises it as HelperFailed; the helper ends
            pickle.dump(("error", type(exc).__name__, str(exc)), stdout, protocol=pickle.HIGHEST_PROTOCOL)
            stdout.flush()
            return
        pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
