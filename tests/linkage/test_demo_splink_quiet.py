"""The demo's linkage step keeps Splink's training warnings out of the demo's output (a dozen
records leave most comparison levels unobserved, and Splink says so line by line); its errors,
other loggers' records and warnings still show, and outside the step nothing is held back."""

from __future__ import annotations

import logging
import warnings

import pytest

from minzheng.linkage.demo import splink_quiet


def test_splinks_warnings_are_held_back_and_its_errors_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    splink, em = (
        logging.getLogger("splink"),
        logging.getLogger("splink.internals.expectation_maximisation"),
    )
    level = splink.level
    splink.setLevel(logging.WARNING)  # what the engine's Linker(log_level=WARNING) does
    try:
        with caplog.at_level(logging.WARNING), splink_quiet() as held:
            em.warning("Level name_other on comparison name not observed in dataset")
            splink.warning("You are using the default value for `max_pairs`")
            em.error("EM failed to converge")
            logging.getLogger("minzheng.linkage").warning("the platform's own warning")
        em.warning("after the step")
    finally:
        splink.setLevel(level)
    assert held.held == 2
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("splink.internals.expectation_maximisation", "ERROR", "EM failed to converge"),
        ("minzheng.linkage", "WARNING", "the platform's own warning"),
        ("splink.internals.expectation_maximisation", "WARNING", "after the step"),
    ]


def test_only_splinks_python_warnings_are_silenced() -> None:
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with splink_quiet():
            warnings.warn_explicit("max_pairs", UserWarning, "linker.py", 1, module="splink.x")
            warnings.warn_explicit("other", UserWarning, "other.py", 1, module="minzheng.x")
    assert [str(w.message) for w in shown] == ["other"]
