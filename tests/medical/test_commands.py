from __future__ import annotations

import pytest

from minzheng.api.models import ApiClient, hash_token
from minzheng.cli import main
from minzheng.core.models import AuditEvent
from minzheng.medical.models import Hospital


def test_api_client_create_prints_the_token_once_and_audits(
    regions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "api-client", "create", "--name", "宁波市第一医院", "--region", "330203000000",
            "--scope", "medical:settle", "registry:read",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    token = out.split("：")[-1].strip()
    client = ApiClient.objects.get(name="宁波市第一医院")
    assert client.token_hash == hash_token(token) and token not in str(client.__dict__)
    assert client.scopes == ["medical:settle", "registry:read"]
    event = AuditEvent.objects.get(object_type="api_client")
    assert event.actor_name == "cli" and token not in str(event.after)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--region", "330203000000", "--scope", "medical:pay"], "未知授权范围：medical:pay"),
        (["--region", "999999000000", "--scope", "medical:settle"], "区划代码不存在"),
    ],
)
def test_api_client_create_refuses_bad_arguments_in_chinese(
    regions: None, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["api-client", "create", "--name", "医院", *argv]) == 2
    assert message in capsys.readouterr().err
    assert ApiClient.objects.count() == 0


def test_a_hospital_is_linked_to_its_client(
    regions: None, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["api-client", "create", "--name", "鄞州人民医院", "--region", "330212000000",
          "--scope", "medical:settle"])  # fmt: skip
    assert main(["medical", "hospital-add", "--code", "H330212", "--name", "鄞州人民医院",
                 "--region", "330212000000", "--client", "鄞州人民医院"]) == 0  # fmt: skip
    assert Hospital.objects.get(code="H330212").client.name == "鄞州人民医院"  # type: ignore[union-attr]
    assert main(["medical", "hospital-add", "--code", "H2", "--name", "另一家",
                 "--region", "330212000000", "--client", "鄞州人民医院"]) == 2  # fmt: skip
    assert "已关联其他医院" in capsys.readouterr().err
