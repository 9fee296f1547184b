"""Every page, export, PDF and API route, walked as staff and partners of another county with the
keys of real 海曙 rows: one row of every scoped model (see `scoped_rows.py`), each route given the
id of its own model's row. A route answers 海曙's key with "not found" or "not allowed" — never a
page, never a 500, never a marker of 海曙's data.

Each URL key is mapped to the model it names (`ROUTE_KEYS`, then `KEYS`); a key that names no
model says what it is instead (`NOT_ROW_KEYS`) and a key of a model without region scope says why
(`UNSCOPED_KEYS`). A new route whose key is in none of them fails `test_every_route_key_is_known`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from minzheng.api.actions import do_create_api_client
from tests.accounts.scoped_rows import Seeder, marked
from tests.accounts.test_scoped_models import scoped_models

HAISHU_MARKERS = ("李建国", "王秀英", "330203********1238", "138****1234", "解放南路12号")

# URL key → the model whose id it carries, wherever the key appears ...
KEYS = {
    "person_id": "registry.Person",
    "household_id": "registry.Household",
    "tag_id": "registry.IdentityTag",
    "application_id": "applications.Application",
    "task_id": "applications.ReviewTask",
    "roll_id": "payments.Roll",
    "file_id": "payments.BankFile",
    "line_id": "payments.BankFileLine",
    "change_id": "payments.AccountChange",
    "template_id": "payments.BankTemplate",
    "pair_id": "linkage.CandidatePair",
    "record_id": "linkage.SourceRecord",
    "action_id": "linkage.LinkageAction",
    "warning_id": "monitoring.Warning",
    "settlement_id": "medical.Settlement",
    "hospital_id": "medical.Hospital",
    "registration_id": "civil.MarriageRegistration",
    "office_id": "civil.RegistryOffice",
    "org_id": "organisations.Organisation",
    "app_id": "organisations.RegistrationApplication",
    "report_id": "organisations.AnnualReport",
    "listing_id": "organisations.CreditListing",
    "disclosure_id": "charity.Disclosure",
    "job_id": "jobs.Job",
    "grievance_id": "grievances.Grievance",
    "campaign_id": "outreach.Campaign",
    "target_id": "outreach.Target",
    "assessment_id": "eldercare.Assessment",
    "adaptation_id": "eldercare.Adaptation",
    "order_id": "eldercare.CareOrder",
    "institution_id": "institutions.Institution",
    "stay_id": "rescue.Stay",
    "distribution_id": "inkind.Distribution",
    "handover_id": "inkind.Handover",
}

# ... unless the route (its path up to the key) says otherwise.
ROUTE_KEYS = {
    ("registry/change-requests/", "request_id"): "registry.ChangeRequest",
    ("api/v1/registry/change-requests/", "request_id"): "registry.ChangeRequest",
    ("applications/spot-checks/", "check_id"): "applications.SpotCheck",
    ("verification/checks/", "check_id"): "verification.HouseholdCheck",
    ("payments/temporary/", "case_id"): "payments.TemporaryCase",
    ("civil/divorces/", "application_id"): "civil.DivorceApplication",
    ("civil/joint/", "case_id"): "civil.JointCase",
    ("api/v1/civil/joint-cases/", "case_id"): "civil.JointCase",
    ("children/cases/", "case_id"): "children.ChildCase",
    ("api/v1/children/cases/", "case_id"): "children.ChildCase",
    ("adoption/batches/", "pk"): "adoption.MigrationBatch",
    ("adoption/reviews/", "pk"): "adoption.MigrationReview",
    ("applications/photos/", "photo_id"): "applications.VisitPhoto",
    ("eldercare/adaptations/photos/", "photo_id"): "eldercare.AdaptationPhoto",
    ("verification/feeds/", "batch_id"): "verification.FeedBatch",
    ("medical/reconciliation/", "reconciliation_id"): "medical.Reconciliation",
    ("security/requests/", "request_id"): "accounts.AccessRequest",
    ("system/users/", "user_id"): "accounts.User",
    ("security/locked/", "user_id"): "accounts.User",
    ("system/api-clients/", "client_id"): "api.ApiClient",
    ("linkage/roster/", "import_id"): "linkage.RosterImport",
    ("assistance/parameters/", "parameter_id"): "assistance.PolicyParameter",
}

# Models a route is keyed by that have no region scope of their own, and why that is right.
UNSCOPED_KEYS = {
    "applications.VisitPhoto": "read only through its application's scope (the view filters so)",
    "eldercare.AdaptationPhoto": "read only through its adaptation's scope (the view filters so)",
    "verification.FeedBatch": "a data feed from a partner department, for the whole city",
    "medical.Reconciliation": "read through queries.reconciliations_visible (its hospital)",
    "accounts.AccessRequest": "permission requests, read by the security administrator",
    "accounts.User": "staff accounts, managed by the system administrator (三员分立)",
    "api.ApiClient": "partner clients, managed by the system administrator",
    "linkage.RosterImport": "an import's own report, read only by the user who made it",
    "assistance.PolicyParameter": "policy values of the city and counties, no personal data",
}

# Keys that are not a row's id: the value the sweep uses, and what the key is.
NOT_ROW_KEYS = {
    "field": ("id_number", "which personal number to reveal"),
    "move": ("accept", "a workflow move of the application named by the same route"),
    "kind": ("receipt", "a document of the application named by the same route"),
    "step": ("x", "a step of the case named by the same route"),
    "token": ("x", "a signed token; the resident's session or the import's own user"),
    "village": ("330203001001", "公示 of a village: public by law (民发〔2021〕57号 第二十一条)"),
    "source": ("x", "a partner feed's name"),
    "credit_code": ("x", "an organisation's public credit code: public by law"),
}


# Routes keyed by a scoped row that anyone may read, and why.
PUBLIC_ROUTES = {
    "api/v1/civil/offices/<office_id>/slots": "a registry office's free slots, open for booking",
    "organisations/public/credit/": "the credit list of organisations, published by law",
}

# Resident routes: staff are sent to the resident's sign-in, whatever the key.
PORTAL = "portal/"


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            routes += _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            routes.append((prefix + str(entry.pattern), entry))
    return routes


def routes() -> list[str]:
    found = sorted({t.lstrip("^").rstrip("$") for t, _ in _walk(get_resolver().url_patterns)})
    assert len(found) > 100  # the walk really found the site
    return found


def all_urls(ids: dict[str, int]) -> list[str]:
    """Every route with its int keys from `ids` (by key name, else `ids["default"]`) — for
    walks that need a page of each route, not another county's rows (the form fuzz)."""

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name in NOT_ROW_KEYS:
            return NOT_ROW_KEYS[name][0]
        if converter == "int" or name.endswith("_id"):
            return str(ids.get(name, ids["default"]))
        return "x"

    return sorted({"/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, t) for t in routes()})


def _keys(template: str) -> Iterator[tuple[str, str]]:
    """Each key of a route with the model label it names ('' for a key that is no row's id)."""
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", template):
        name = match.group(2)
        before = template[: match.start()]
        route_label = next(
            (
                label
                for (prefix, key), label in ROUTE_KEYS.items()
                if key == name and before.startswith(prefix)
            ),
            None,
        )
        if route_label is not None:
            yield name, route_label
        elif name in KEYS:
            yield name, KEYS[name]
        elif name in NOT_ROW_KEYS:
            yield name, ""
        else:
            yield name, "?"


def fill(template: str, seeder: Seeder) -> str:
    keys = dict(_keys(template))

    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        label = keys[name]
        if not label:
            return NOT_ROW_KEYS[name][0]
        return str(seeder.row(label).pk)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, template)


def _keyed_by_a_scoped_row(template: str) -> bool:
    if template in PUBLIC_ROUTES:
        return False
    scoped = set(scoped_models())
    return any(label in scoped for _, label in _keys(template))


# What an outsider role sees of every county by design: label → why.
SEEN_BY_DESIGN = {
    "sysadmin": {
        "jobs.Job": "the system administrator runs the platform's jobs (no personal data)",
        "medical.Hospital": "the system administrator registers the designated hospitals",
    },
}


# Public registers every staff role with case data reads city-wide, read-only (the pages show
# no edit outside the registering authority's scope, and the walk's POSTs must still change
# nothing): label → the law that makes it public. `PublicRegisterQuerySet.published_to`.
_CREDIT = "社会组织信用信息公开（《社会组织信用信息管理办法》，民政部令第60号）"
_CHARITY = (
    "慈善信息公开（《中华人民共和国慈善法》第八章，《慈善组织信息公开办法》，民政部令第61号）"
)
PUBLIC_REGISTERS = {
    "organisations.Organisation": _CREDIT + "：登记信息",
    "organisations.AnnualReport": _CREDIT + "：年报（年检）信息",
    "organisations.CreditListing": _CREDIT + "：活动异常名录、严重违法失信名单",
    "organisations.Rating": _CREDIT + "：评估等级",
    "charity.Recognition": _CHARITY + "：慈善组织认定、公开募捐资格",
    "charity.Project": _CHARITY + "：慈善项目",
    "charity.Expenditure": _CHARITY + "：项目支出",
    "charity.FundraisingPlan": _CHARITY + "：募捐方案备案",
    "charity.YearlyFinancials": _CHARITY + "：年度财务数据",
    "charity.CharitableTrust": _CHARITY + "：慈善信托备案",
    "charity.Disclosure": _CHARITY + "：信息公开事项",
    "charity.Campaign": _CHARITY + "：慈善一日捐的募集结果",
}
"""Not here, so still 海曙's alone: registration applications, fee inspections, donations (donors
are named only to the registering authority) and every other model."""

STAFF_WITH_CASE_DATA = ("caseworker_xiaying", "approver_yinzhou")


def _leaks(body: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The person markers and the labels of seeded rows `body` shows, less what is allowed."""
    people = [m for m in HAISHU_MARKERS if m in body]
    return people + [label for label in marked(body) if label not in allowed]


def _text(response: Any) -> str:
    """The body as text — an Excel export is opened and its cells read."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(
            str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
        )
    if kind.startswith(("text", "application/json")):
        return str(response.content.decode("utf-8", "replace"))
    return ""


@pytest.fixture
def seeder(
    household_li_three_members: Any, caseworker_nanmen: Any, settings: Any, tmp_path: Any
) -> Seeder:
    """One row of every scoped model in 海曙, made before the walk."""
    settings.MEDIA_ROOT = tmp_path  # the seeded photo's file
    made = Seeder(household_li_three_members, caseworker_nanmen)
    for label in scoped_models():
        made.row(label)
    return made


def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every scoped model, field by field, by its key."""
    from django.apps import apps
    from django.forms.models import model_to_dict

    return {
        label: {row.pk: model_to_dict(row) for row in apps.get_model(label).objects.order_by("pk")}
        for label in scoped_models()
    }


def _changes(
    before: dict[str, dict[Any, dict[str, Any]]],
    after: dict[str, dict[Any, dict[str, Any]]],
    seeder: Seeder,
) -> list[str]:
    """What the walk did to scoped rows: any row that was there changed or went, or a new row in
    海曙. A new row in the outsider's own county (a job it queued there) touches nothing of 海曙."""
    from django.apps import apps

    found = []
    for label, rows in before.items():
        if {pk: after[label].get(pk) for pk in rows} != rows:
            found.append(f"the walk changed {label}")
        added = set(after[label]) - set(rows)
        if apps.get_model(label).objects.visible_to(seeder.user).filter(pk__in=added).exists():
            found.append(f"the walk added a 海曙 row to {label}")
    return found


def sweep(
    client: Client, templates: list[str], seeder: Seeder, allowed: frozenset[str] = frozenset()
) -> list[str]:
    """Every route by GET and POST with 海曙's keys; what each showed or did that it should not.

    A GET of a route keyed by a 海曙 row must answer 403, 404 or 405 (a resident route: the
    sign-in); a POST may answer as its form does (a redirect with a message, a 400) but must
    change or remove no row of any scoped model and add none in 海曙 — that is checked once, after
    the walk."""
    found = []
    before = snapshot()
    for template in templates:
        url = fill(template, seeder)
        if url == "/logout/":
            continue
        keyed = (
            _keyed_by_a_scoped_row(template)
            and not {label for _, label in _keys(template)} & allowed
        )
        public = template in PUBLIC_ROUTES
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"q": "李"})
            status = response.status_code
            if status >= 500:
                found.append(f"{method.upper()} {url} failed ({status})")
            if not public and (leaked := _leaks(_text(response), allowed)):
                found.append(f"{method.upper()} {url} showed {leaked}")
            refused = (403, 404, 405, 302) if template.startswith(PORTAL) else (403, 404, 405)
            if keyed and method == "get" and status not in refused:
                found.append(f"GET {url} answered {status}")  # 海曙's key opened a page
    after = snapshot()
    found += _changes(before, after, seeder)
    return found


def test_every_route_key_is_known() -> None:
    unknown = [t for t in routes() for name, label in _keys(t) if label == "?"]
    assert unknown == []
    keyed = {label for t in routes() for _, label in _keys(t) if label}
    unscoped = keyed - set(scoped_models())
    assert sorted(unscoped - set(UNSCOPED_KEYS)) == []  # a new unscoped key says why
    assert sorted(set(UNSCOPED_KEYS) - unscoped) == []  # and leaves the list when scoped


@pytest.mark.parametrize(
    "outsider",
    ["caseworker_xiaying", "approver_yinzhou", "auditor", "security_admin", "sysadmin"],
)
def test_no_route_shows_or_touches_another_countys_rows(
    request: pytest.FixtureRequest, seeder: Seeder, outsider: str
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(outsider))
    allowed = frozenset(SEEN_BY_DESIGN.get(outsider, {}))
    if outsider in STAFF_WITH_CASE_DATA:
        allowed |= frozenset(PUBLIC_REGISTERS)
    assert sweep(client, routes(), seeder, allowed) == []


def test_the_sweep_fails_when_one_scoped_read_is_removed(
    seeder: Seeder, caseworker_xiaying: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mutation: the roll read ignores the actor (as a hand-written filter that forgot the
    # scope would). The same sweep that passes above must now report 海曙's roll.
    from minzheng.payments.models import RollQuerySet

    monkeypatch.setattr(RollQuerySet, "visible_to", lambda self, actor: self)
    client = Client()
    client.force_login(caseworker_xiaying)
    found = sweep(client, [t for t in routes() if t.startswith("payments/rolls/<")], seeder)
    roll = seeder.row("payments.Roll").pk
    assert f"GET /payments/rolls/{roll}/ answered 200" in found, found


def test_a_partner_token_of_another_county_sees_nothing_of_haishu(seeder: Seeder) -> None:
    _, token = do_create_api_client(
        None, name="鄞州区人民医院", scopes=["registry:read"], region_code="330212000000"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    api = [t for t in routes() if t.startswith("api/")]
    assert len(api) >= 10
    for template in api:
        url = fill(template, seeder)
        response = client.get(url, {"q": "李"})
        assert not _leaks(response.content.decode()), url
        if _keyed_by_a_scoped_row(template):
            assert response.status_code in (401, 403, 404, 405), (url, response.status_code)


@pytest.mark.parametrize("insider", ["caseworker_nanmen", "approver_haishu"])
def test_the_sweep_does_see_haishu_from_inside(
    request: pytest.FixtureRequest, seeder: Seeder, insider: str
) -> None:
    # The positive control: with the scope allowing them, the same keys open real rows, so the
    # 404s above are the scope at work, not keys that name nothing.
    client = Client()
    client.force_login(request.getfixturevalue(insider))
    seen: set[str] = set()
    opened: list[str] = []
    for template in routes():
        url = fill(template, seeder)
        response = client.get(url, {"q": "李"})
        seen.update(_leaks(_text(response)))
        if _keyed_by_a_scoped_row(template) and response.status_code == 200:
            opened.append(template)
    assert {"李建国", "330203********1238"} <= seen
    assert len(seen & set(scoped_models())) >= 40  # 40 of the models' rows shown on some page
    assert len(opened) >= 40, opened  # and 40 keyed routes opened with 海曙's keys
