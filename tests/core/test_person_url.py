"""`{{ id|person_url }}` is the person page's address, as `{% url %}` gives it, under a script
prefix too."""

from __future__ import annotations

from django.template import engines
from django.urls import reverse, set_script_prefix

from minzheng.core.templatetags.listing import person_url


def test_the_filter_gives_the_reversed_address() -> None:
    assert person_url(7) == reverse("registry:person_detail", args=[7]) == "/registry/persons/7/"
    template = engines["django"].from_string("{% load listing %}{{ 12|person_url }}")
    assert template.render({}) == "/registry/persons/12/"


def test_a_site_under_a_prefix_gets_its_own_address() -> None:
    set_script_prefix("/minzheng/")
    try:
        assert person_url(3) == "/minzheng/registry/persons/3/"
    finally:
        set_script_prefix("/")
