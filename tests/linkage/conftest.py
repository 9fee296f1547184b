"""Records that read like the domain: one resident as three departments wrote him down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

TODAY = date(2026, 1, 1)


# The linkage engine is pure Python and its tests run with `-p no:django`; these override the
# project-wide autouse fixtures that need Django's settings and database.
@pytest.fixture(scope="session", autouse=True)
def _audit_guard_opened_for_flush() -> Iterator[None]:
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def records_of_wang_wei_three_departments() -> pd.DataFrame:
    """王伟 of 鄞州区 as 民政 (clean), 医保 (traditional, 15-digit ID) and 人社 (homophone, phone
    with separators, no ID) recorded him, plus an unrelated 李娜 of 海曙区."""
    return pd.DataFrame(
        [
            {
                "record_id": "MZ-1",
                "source": "民政",
                "name": "王伟",
                "id_number": "330212198001011238",
                "birth_date": "1980-01-01",
                "sex": "男",
                "phone": "13805741234",
                "address": "浙江省宁波市鄞州区首南街道天童南路588号",
            },
            {
                "record_id": "YB-7",
                "source": "医保",
                "name": "王偉",
                "id_number": "330212800101123",
                "birth_date": None,
                "sex": None,
                "phone": None,
                "address": "寧波市鄞州區首南街道天童南路588號",
            },
            {
                "record_id": "RS-3",
                "source": "人社",
                "name": "王玮",
                "id_number": None,
                "birth_date": "1980年1月1日",
                "sex": "1",
                "phone": "+86 138-0574-1234",
                "address": "鄞州区首南街道天童南路588号",
            },
            {
                "record_id": "MZ-2",
                "source": "民政",
                "name": "李娜",
                "id_number": "330203199205152321",
                "birth_date": "1992/5/15",
                "sex": "女",
                "phone": "13957400000",
                "address": "宁波市海曙区鼓楼街道中山西路2号",
            },
        ]
    )
