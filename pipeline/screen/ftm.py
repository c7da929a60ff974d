"""The listed parties as FollowTheMoney entities (the model OpenSanctions, yente and Aleph read).

Why FtM: a compliance team screens with the tools it has; OpenSanctions' data and yente's API
speak FtM, so a party exported here loads beside them. Each listed party becomes an
`Organization` (every name printed for it: the name in the act's language as `name`, the other
language and aliases as `alias`; country; topics: `export.control` for the control list,
`export.risk` for the watch list, `sanction.counter` for the unreliable entity list) and each
listing a `Sanction` on it (authority, program = the list, the act as recordId and sourceUrl,
listing and end dates, status today). Entities are built and checked by followthemoney itself
(vocabulary in config/screening.yml; `EntityProxy.add` cleans every value for its type, `Schema.validate` checks the result): an
entity the model rejects stops the export with the model's message.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from followthemoney import model

from pipeline.screen.names import settings

DATASET = "exportwatch"


def _checked(proxy: Any) -> dict[str, Any]:
    data = proxy.to_dict()
    proxy.schema.validate(data)  # raises followthemoney.exc.InvalidData
    return data


def entities(parties: Iterable[dict[str, Any]], acts: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Organization and Sanction entities (as dicts), one Organization per party across lists
    (a party on two lists is one organisation with two sanctions)."""
    vocab = settings()["ftm"]
    TOPICS, PROGRAMS, AUTHORITIES = vocab["topics"], vocab["programs"], vocab["authorities"]  # noqa: N806
    orgs: dict[str, Any] = {}
    sanctions: list[Any] = []
    for p in parties:
        key = p["subject"].partition(":")[2]
        org = orgs.get(key)
        if org is None:
            org = orgs[key] = model.make_entity("Organization")
            org.id = org.make_id(DATASET, key)
            org.add("name", p["name"], quiet=False)
        for n in [p["name"], *(p.get("names") or [])]:
            if n not in org.get("name") and n not in org.get("alias"):
                org.add("alias", n, quiet=False)
        if p.get("country"):
            org.add("country", p["country"].lower(), quiet=False)
        org.add("topics", TOPICS[p["list"]], quiet=False)
        org.add("program", PROGRAMS[p["list"]], quiet=False)
        act = acts.get(p["announcement"], {})
        s = model.make_entity("Sanction")
        s.id = s.make_id(DATASET, "sanction", p["subject"], p["announcement"])
        s.add("entity", org.id, quiet=False)
        s.add("authority", AUTHORITIES["UEL" if p["announcement"].startswith("UEL-") else "MOFCOM"], quiet=False)
        s.add("program", PROGRAMS[p["list"]], quiet=False)
        s.add("recordId", p["announcement"], quiet=False)
        s.add("listingDate", p.get("issued"), quiet=False)
        s.add("startDate", p.get("effective"), quiet=False)
        if p.get("status") == "removed" and p.get("until"):
            s.add("endDate", p["until"], quiet=False)
        s.add("status", p.get("status"), quiet=False)
        s.add("provisions", f"{p['list']} listing by {p['announcement']}", quiet=False)
        if act.get("title"):
            s.add("summary", act["title"], quiet=False)
        for url in (p.get("url"), act.get("url")):
            if url and url.startswith(("http://", "https://")):
                s.add("sourceUrl", url, quiet=False)
                org.add("sourceUrl", url, quiet=False)
        if p.get("evidence"):
            s.add("description", p["evidence"], quiet=False)
        sanctions.append(s)
    for org in orgs.values():
        yield _checked(org)
    for s in sanctions:
        yield _checked(s)
