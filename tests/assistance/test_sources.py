"""Every assistance, workflow and payment parameter cites a government document, never a reprint site.

A source names the issuing document (文号, or a national law's title) and its article, or says
"原文未见" where the text was not seen. A web address is allowed only on a government host.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minzheng.applications.parameter_catalog import WORKFLOW_PARAMETERS
from minzheng.assistance.parameter_catalog import PARAMETERS as ASSISTANCE_PARAMETERS
from minzheng.payments.parameter_catalog import PAYMENT_PARAMETERS

REPRINT_HOSTS = (
    "xian.baogaosu.com",
    "juke.outofmemory.cn",
    "m.runtun.cn",
    "nbxinxi.com",
    "ningbolife.com",
    "wybk.com",
    "shbk.net",
)
HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org)\b")
DOCUMENT = re.compile(r"〔\d{4}〕\d+号|令第\d+号|《中华人民共和国")
ARTICLE = re.compile(r"第[\d一二三四五六七八九十（）()—–-]+[条项款]")
SPECS = [*ASSISTANCE_PARAMETERS, *WORKFLOW_PARAMETERS, *PAYMENT_PARAMETERS]
SOURCES = [(s.key, v.effective_from, v.source) for s in SPECS for v in s.values]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _non_government_hosts(text: str) -> list[str]:
    return [h for h in HOST.findall(text) if not h.endswith("gov.cn")]


def test_the_check_finds_a_reprint_site() -> None:
    # Positive control: the checks below would catch the citations they replaced.
    old = "浙江省社会救助条例第13条（瑞安市页面引文，juke.outofmemory.cn/read/1461983.html）"
    assert _non_government_hosts(old) == ["juke.outofmemory.cn"]
    assert _non_government_hosts("nbyz.gov.cn/art/2022/3/8") == []


@pytest.mark.parametrize(("key", "day", "source"), SOURCES, ids=[f"{k}@{d}" for k, d, _ in SOURCES])
def test_every_source_cites_a_government_document_or_says_the_text_was_not_seen(
    key: str, day: object, source: str
) -> None:
    assert _non_government_hosts(source) == [], source
    cited = bool(DOCUMENT.search(source) and ARTICLE.search(source))
    assert cited or "原文未见" in source, source


def test_no_reprint_site_is_cited_in_the_docs_or_the_catalogues() -> None:
    root = DOCS.parent
    texts = [p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")]
    texts += [p.read_text(encoding="utf-8") for p in (root / "src").rglob("parameter_catalog.py")]
    for host in REPRINT_HOSTS:
        assert not any(host in t for t in texts), host
