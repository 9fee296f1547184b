"""The jobs tests' people; `run_worker` lives in tests/conftest.py."""

from __future__ import annotations

from tests.payments.conftest import dibao_li, tekun_zhao

__all__ = ["dibao_li", "tekun_zhao"]
