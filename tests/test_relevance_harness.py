"""The relevance harness's own arithmetic (bench/relevance.py), on hand-checked cases."""

from __future__ import annotations

import importlib.util
import math
from types import ModuleType

import pytest

from index.text import canonical_tones
from tests.conftest import PROJECT


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relevance", PROJECT / "bench" / "relevance.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_metrics(harness: ModuleType) -> None:
    assert harness.metrics(["a", "b"], {"a"}) == (1.0, 1.0, 1.0)
    ndcg, rr, recall = harness.metrics(["x", "a", "y", "b"], {"a", "b", "c"})
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg == pytest.approx((1 / math.log2(3) + 1 / math.log2(5)) / ideal)
    assert (rr, recall) == (0.5, pytest.approx(2 / 3))
    assert harness.metrics(["x"] * 10 + ["a"], {"a"}) == (0.0, 0.0, 0.0)  # past the top 10


def test_other_convention_is_the_inverse_of_canonical(harness: ModuleType) -> None:
    text = "Hòa bình, thủy lợi, sức khỏe, tùy theo, ủy ban; quý, hoàng, khuỷu"
    other = harness.other_convention(text)
    assert other == "Hoà bình, thuỷ lợi, sức khoẻ, tuỳ theo, uỷ ban; quý, hoàng, khuỷu"
    assert canonical_tones(other) == text
