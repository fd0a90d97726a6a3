"""The machine's second core for a long job: a helper process applies a pure function to a stream
of work items while this process does the rest (benchmarks/datahub_import.py).

The helper is our own interpreter running ``python -m tongyou.core.parallel``. It is told the
function (``module:name``) and its set-up once, then given the items one by one, and answers each
in order. It opens no database: the function must need none (the caller keeps every database read
and write). It sets up Django only when asked (`django=True`: a function that needs translations
or the models' definitions), which takes a couple of seconds.

Items are written to the helper by a thread, so neither process waits on a full pipe while the
other does, and at most `ahead` items are outstanding there. With `share=True` this process also
takes items itself whenever the helper's answer is not ready yet (while it starts, or when it
falls behind), a few at most, so the two share the work whatever their speeds. Answers always
come back in the items' order, and are read with a restricted unpickler that admits plain values
and dates only.

`in_process=True` runs the same function here, item by item: small jobs are not worth a process,
and every way gives the same answers (tongyou/core/tests/test_parallel.py).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import logging
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

logger = logging.getLogger(__name__)
DATETIME_TYPES = {("datetime", n) for n in ("date", "datetime", "time", "timedelta", "timezone")}
FRAME = struct.Struct("<Q")  # each message: its length, then the pickle


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
_WAITING = object()


class _Helper:
    """The helper process, its feeding thread and the frames it answers."""

    def __init__(self, function: str, setup: Any, environment: Mapping[str, str], django: bool) -> None:
        base = dict(os.environ) if django else {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-s", "-m", "tongyou.core.parallel"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=base | {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None  # noqa: S101 (PIPE)
        self.answers = self.process.stdout.fileno()  # read frame by frame, never through a buffer
        self.outbox: queue.Queue = queue.Queue()
        self.feeder = threading.Thread(target=self._feed, args=(self.process.stdin,), daemon=True)
        self.feeder.start()
        self.started = False  # until the helper says it is set up, it is given nothing
        self.send((function, dict(environment), setup, django))

    def _feed(self, stdin: Any) -> None:
        try:
            while (message := self.outbox.get()) is not _END:
                _write_frame(stdin, message)
        except (BrokenPipeError, OSError, ValueError):
            pass  # the helper ended early: reading its answers says so
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def send(self, message: Any) -> None:
        self.outbox.put(message)

    def ready(self) -> bool:
        """Whether an answer has (begun to) arrive: receive() will not wait for the helper's work."""
        return bool(select.select([self.answers], [], [], 0)[0])

    def wait_started(self, block: bool) -> None:
        """Take the helper's word that it is set up, if it has said it (or wait for it)."""
        if block or self.ready():
            self.started = self._frame() == ("ready",) or self.started

    def receive(self) -> Any:
        answer = self._frame()
        if answer[0] != "ok":
            raise HelperFailed(f"{answer[1]}: {answer[2]}")
        return answer[1]

    def _frame(self) -> Any:
        try:
            answer = PlainUnpickler(io.BytesIO(self._read(FRAME.unpack(self._read(FRAME.size))[0]))).load()
        except pickle.UnpicklingError as exc:
            raise HelperFailed(f"the helper answered what is not a plain value ({exc})") from None
        except (EOFError, struct.error, ValueError, TypeError, AttributeError):
            raise HelperFailed(f"the helper process ended (exit status {self._ended()})") from None
        if answer[0] == "error":
            raise HelperFailed(f"{answer[1]}: {answer[2]}")
        return answer

    def _read(self, size: int) -> bytes:
        parts, left = [], size
        while left:
            part = os.read(self.answers, min(left, 1 << 20))
            if not part:
                raise EOFError
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    def _ended(self) -> int:
        """The exit status of a helper that stopped answering (ended at once if it lingers)."""
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def close(self, finished: bool) -> None:
        self.outbox.put(_END)
        if not finished and self.process.poll() is None:
            self.process.kill()  # the caller stopped early (a failure, a refusal): nothing more is wanted
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)  # it ends once its input is closed
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.feeder.join(timeout=5)
        with contextlib.suppress(OSError):
            self.process.stdout.close()  # type: ignore[union-attr]


def pipelined(
    function: str,
    setup: Any,
    items: Iterable[Any],
    *,
    ahead: int = 2,
    environment: Mapping[str, str] | None = None,
    in_process: bool = False,
    share: bool = False,
    django: bool = False,
    kept_here: int = 8,
) -> Iterator[Any]:
    """`function(setup, item)` for each item, in order. The items are drawn here, in the
    caller's thread (so they may come from the caller's database transaction); the helper works
    on the next items while the caller deals with this one. With `share`, this process computes
    an item itself when the helper's answer is not ready, holding at most `kept_here` answers
    ahead of the helper's. `environment` is given to the helper over the pipe, not on its
    command line (keys)."""
    if in_process:
        for item in items:
            yield function_named(function)(setup, item)
        return
    apply = function_named(function) if share else None
    helper = _Helper(function, setup, environment or {}, django)
    pending: deque[list] = deque()  # every answer not yet yielded, in the items' order
    at_helper: deque[list] = deque()  # those the helper owes, in the order sent
    source = iter(items)
    exhausted = finished = False
    try:
        while True:
            if not helper.started:  # work shared: this process works while the helper starts
                try:
                    helper.wait_started(block=apply is None or kept_here < 1)
                except HelperFailed:
                    # It could not set up (nothing was given to it yet): all the work is done here.
                    logger.warning("The helper process could not start; working here.", exc_info=True)
                    here = apply or function_named(function)
                    yield from (answer for (answer,) in pending)
                    pending.clear()
                    if not exhausted:
                        for item in source:
                            yield here(setup, item)
                    break
            while helper.started and not exhausted and len(at_helper) < ahead:
                item = next(source, _END)
                if item is _END:
                    exhausted = True
                    break
                at_helper.append([_WAITING])
                pending.append(at_helper[-1])
                helper.send(item)
            while at_helper and helper.ready():
                at_helper.popleft()[0] = helper.receive()
            if exhausted and not pending:
                break
            if pending and pending[0][0] is not _WAITING:
                yield pending.popleft()[0]
                continue
            if apply is not None and not exhausted and len(pending) - len(at_helper) < kept_here:
                item = next(source, _END)
                if item is _END:
                    exhausted = True
                else:
                    pending.append([apply(setup, item)])
                continue
            if at_helper:
                at_helper.popleft()[0] = helper.receive()  # nothing else to do: wait for it
        finished = True
    finally:
        helper.close(finished)


_collections_lock = threading.Lock()
_collections_held = 0
_collections_saved: tuple[int, ...] = ()


@contextlib.contextmanager
def fewer_collections(first_generation: int = 50_000) -> Iterator[None]:
    """Run a bulk job with the cyclic garbage collector's first generation larger: a job that
    makes millions of short-lived acyclic rows (an import) otherwise spends a fifth of its time in
    collections that find nothing (benchmarks/datahub_import.py). Process-wide, so it is counted:
    the thresholds come back when the last job running ends."""
    global _collections_held, _collections_saved
    with _collections_lock:
        if not _collections_held:
            _collections_saved = gc.get_threshold()
            gc.set_threshold(max(first_generation, _collections_saved[0]), *_collections_saved[1:])
        _collections_held += 1
    try:
        yield
    finally:
        with _collections_lock:
            _collections_held -= 1
            if not _collections_held:
                gc.set_threshold(*_collections_saved)


def _write_frame(stream: Any, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream: Any) -> Any:
    head = stream.read(FRAME.size)
    if len(head) < FRAME.size:
        raise EOFError
    return pickle.loads(stream.read(FRAME.unpack(head)[0]))  # noqa: S301 - written by our own parent


def serve(stdin: Any, stdout: Any) -> None:
    """The helper's side: the function and its set-up, then one answer per item until the
    input ends. A failure is answered as ("error", type, message) and ends the helper."""
    reference, environment, setup, django = _read_frame(stdin)
    try:
        os.environ.update(environment)
        if django:
            import django as framework

            framework.setup()
        apply = function_named(reference)
    except Exception as exc:
        _write_frame(stdout, ("error", type(exc).__name__, str(exc)))
        return
    _write_frame(stdout, ("ready",))
    while True:
        try:
            item = _read_frame(stdin)
        except EOFError:
            return
        try:
            _write_frame(stdout, ("ok", apply(setup, item)))
        except Exception as exc:  # the parent raises it as HelperFailed; the helper ends
            _write_frame(stdout, ("error", type(exc).__name__, str(exc)))
            return


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
