"""The helper process (tongyou/core/parallel.py): the same answers as in process, in order, with
bounded look-ahead; a failure or a crash raises instead of hanging; nothing outlives the caller;
only plain values come back."""

import datetime
import gc
import io
import os
import pickle
import subprocess
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongyou.core import parallel
from tongyou.core.parallel import HelperFailed, PlainUnpickler, pipelined

HERE = "tongyou.core.tests.test_parallel"


# Functions the helper runs: module-level, no Django, no database.
def scaled(setup, item):
    return {"n": item * setup["factor"], "day": datetime.date(2026, 1, 1) + datetime.timedelta(days=item)}


def failing_at_three(setup, item):
    if item == 3:
        raise ValueError("item three is bad")
    return item


def dying_at_three(setup, item):
    if item == 3:
        os._exit(9)  # a crash: no answer, no exception
    return item


def from_environment(setup, item):
    return os.environ.get(setup["name"], "")


_calls = []


def slow_in_the_helper(setup, item):
    time.sleep(0.02)  # some work, wherever it runs
    if os.environ.get("TONGYOU_PARALLEL_SLOW") and not _calls:
        time.sleep(0.5)  # the helper's first item: slow, as one still warming up
    _calls.append(item)
    return item * setup["factor"], os.getpid()


def a_class(setup, item):
    return Evil()


class Evil:
    def __reduce__(self):
        return (os.system, ("true",))


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=30), st.integers(1, 4))
def test_the_helper_answers_as_the_same_function_in_process_in_order(items, ahead):
    setup = {"factor": 3}
    here = list(pipelined(f"{HERE}:scaled", setup, items, in_process=True))
    there = list(pipelined(f"{HERE}:scaled", setup, items, ahead=ahead))
    assert there == here == [scaled(setup, i) for i in items]


def test_no_more_than_ahead_items_are_drawn_before_their_answers_are_taken():
    drawn = []

    def items():
        for i in range(100):
            drawn.append(i)
            yield i

    answers = pipelined(f"{HERE}:scaled", {"factor": 1}, items(), ahead=2)
    first = next(answers)
    assert first["n"] == 0 and len(drawn) <= 3  # the answer taken, two more outstanding
    assert [a["n"] for a in answers] == list(range(1, 100))


def test_a_failure_in_the_helper_is_raised_with_its_reason():
    with pytest.raises(HelperFailed, match="ValueError: item three is bad"):
        list(pipelined(f"{HERE}:failing_at_three", {}, range(6)))


def test_a_helper_that_dies_is_reported_not_waited_for():
    received = []
    with pytest.raises(HelperFailed, match="ended"):
        for answer in pipelined(f"{HERE}:dying_at_three", {}, range(6)):
            received.append(answer)
    assert received == [0, 1, 2][: len(received)]  # what came before, in order; never item 3


def test_a_caller_that_stops_early_leaves_no_helper_behind(monkeypatch):
    started = []
    real = subprocess.Popen

    def recording(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(parallel.subprocess, "Popen", recording)
    answers = pipelined(f"{HERE}:scaled", {"factor": 1}, range(10_000))
    next(answers)
    answers.close()  # the commit failed or was refused: nothing more is wanted
    assert started and started[0].poll() is not None


def test_the_environment_reaches_the_helper_over_the_pipe():
    setup = {"name": "TONGYOU_PARALLEL_TEST"}
    answers = pipelined(f"{HERE}:from_environment", setup, [1], environment={setup["name"]: "秘"})
    assert list(answers) == ["秘"]
    assert "TONGYOU_PARALLEL_TEST" not in os.environ


def test_only_plain_values_and_dates_come_back():
    with pytest.raises(HelperFailed):
        list(pipelined(f"{HERE}:a_class", {}, [1]))
    with pytest.raises(pickle.UnpicklingError):
        PlainUnpickler(io.BytesIO(pickle.dumps(Evil()))).load()
    day = datetime.date(2026, 12, 1)
    assert PlainUnpickler(io.BytesIO(pickle.dumps([1, "二", day, None]))).load() == [1, "二", day, None]


def test_shared_work_keeps_the_order_and_this_process_takes_items_while_the_helper_is_slow():
    answers = list(
        pipelined(
            f"{HERE}:slow_in_the_helper",
            {"factor": 2},
            range(40),
            share=True,
            kept_here=8,
            environment={"TONGYOU_PARALLEL_SLOW": "1"},
        )
    )
    assert [value for value, _pid in answers] == [i * 2 for i in range(40)]
    workers = {pid for _value, pid in answers}
    assert os.getpid() in workers and len(workers) == 2  # both worked


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(-1000, 1000), max_size=30), st.integers(1, 3), st.integers(0, 4))
def test_shared_work_answers_as_in_process_whatever_the_split(items, ahead, kept_here):
    shared = pipelined(f"{HERE}:scaled", {"factor": 5}, items, ahead=ahead, share=True, kept_here=kept_here)
    assert list(shared) == [scaled({"factor": 5}, i) for i in items]


def test_fewer_collections_is_counted_and_gives_the_thresholds_back():
    before = gc.get_threshold()
    with parallel.fewer_collections(60_000):
        assert gc.get_threshold()[0] == max(60_000, before[0])
        with parallel.fewer_collections(60_000):
            pass
        assert gc.get_threshold()[0] == max(60_000, before[0])  # the outer job still runs
    assert gc.get_threshold() == before


@pytest.mark.parametrize("share", [True, False])
def test_a_helper_that_cannot_start_leaves_the_work_to_this_process(share):
    broken = {"DJANGO_SETTINGS_MODULE": "tongyou.settings.no_such_settings"}  # Django cannot set up
    answers = pipelined(
        f"{HERE}:scaled", {"factor": 2}, range(30), share=share, django=True, environment=broken
    )
    assert list(answers) == [scaled({"factor": 2}, i) for i in range(30)]
