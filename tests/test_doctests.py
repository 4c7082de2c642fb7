"""The examples in the docstrings of every ``leakguard`` module hold (the recognizers' have their own run, in
``test_recognizers_specs``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import leakguard


def _modules_with_examples() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(leakguard.__path__, "leakguard."):
        spec = importlib.util.find_spec(info.name)
        if spec is not None and spec.origin and ">>>" in Path(spec.origin).read_text(encoding="utf-8"):
            names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_examples_are_found() -> None:
    assert "leakguard.detect.ner" in MODULES and "leakguard.preview" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_the_docstrings_hold(name: str) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failed == 0 and attempted > 0
