"""The listed parties leave exportwatch as FollowTheMoney entities (validated by followthemoney
itself) and as alerts whose subject line names the party; both from a database the real pipeline
built from the party fixtures."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from alert_helpers import HookReceiver
from parties_support import ROOT, TODAY, build_parties_db


@pytest.fixture(scope="module")
def hook() -> Any:
    receiver = HookReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, hook: Any) -> Path:
    return build_parties_db(tmp_path_factory.mktemp("export"), notify=hook.url)


def test_ftm_export_validates_with_followthemoney(db: Path, tmp_path: Path) -> None:
    from followthemoney import model

    out = tmp_path / "parties.ftm.json"
    result = subprocess.run([sys.executable, "-m", "pipeline", "ftm", "--db", str(db), "--on", TODAY, "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    entities = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    counts: dict[str, int] = {}
    orgs: dict[str, Any] = {}
    for data in entities:
        proxy = model.get_proxy(data, cleaned=False)  # re-read and cleaned by the model
        proxy.schema.validate(proxy.to_dict())
        assert proxy.to_dict()["properties"] == data["properties"], data  # nothing was dropped as invalid
        counts[data["schema"]] = counts.get(data["schema"], 0) + 1
        if data["schema"] == "Organization":
            orgs[proxy.id] = proxy
    assert counts["Organization"] >= 40 and counts["Sanction"] >= counts["Organization"]
    assert f"{counts['Organization']} Organization" in result.stderr
    # a party printed in Chinese with its English name: one organisation carrying both
    shield = [o for o in orgs.values() if "Shield AI, Inc." in o.get("alias") + o.get("name")]
    assert shield and any("护盾" in n for o in shield for n in o.get("name") + o.get("alias"))
    assert all(o.get("topics") for o in orgs.values())
    sanctions = [e for e in entities if e["schema"] == "Sanction"]
    assert all(s["properties"]["entity"][0] in orgs for s in sanctions)
    assert {"UEL-2025-8", "MOFCOM-2025-13"} <= {s["properties"]["recordId"][0] for s in sanctions}


def test_alerts_name_the_party_in_the_subject(db: Path, hook: Any) -> None:
    titles = hook.titles()
    party = [t for t in titles if " on the " in t and (" puts " in t)]
    assert party, titles[:20]
    assert any("Leidos" in t and "export control list" in t for t in party), party
    assert any("护盾人工智能公司 (Shield AI, Inc.)" in t and "unreliable entity list" in t for t in party), party
