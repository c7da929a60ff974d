"""Score extraction records against gold records: per-field P/R/F1 and overall micro-F1.

Same conventions as the shared scorer (../shared/tools/score.py): list fields are compared as
sets of normalised members; kind, lang, relevant, modality, announcement and issued count one
hit or one miss each; a gold record with no prediction counts as all misses; records are matched
by the file name at the end of `source`.
"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Iterable

SET_FIELDS = ["elements", "control_codes", "hs_codes", "effective", "technologies", "end_user_rules",
              "thresholds", "not_controlled", "relations", "parties"]
EXACT_FIELDS = ["announcement", "issued", "kind", "lang", "modality", "relevant"]


def member_key(field: str, value: Any) -> Any:
    if field == "end_user_rules":
        return str(value.get("category", "")).lower(), str(value.get("policy", "")).lower()
    if field == "thresholds":
        try:
            return str(value.get("kind", "")).lower(), round(float(value.get("value")), 6)
        except (TypeError, ValueError):
            return str(value.get("kind", "")).lower(), None
    if field == "relations":
        return str(value.get("type", "")).lower(), str(value.get("target", "")).upper(), value.get("until") or None
    if field == "parties":  # the normalised name (case-folded, letters and digits only), list, action
        name = "".join(ch for ch in str(value.get("name", "")).casefold() if ch.isalnum())
        return name, str(value.get("list", "")).lower(), str(value.get("action", "")).lower()
    if field == "control_codes":
        return str(value).strip().replace(" ", "")
    if field in ("technologies", "not_controlled"):
        return str(value).strip().lower()
    return str(value).strip()


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def name_of(source: Any) -> str:
    return PurePosixPath(str(source or "").replace("\\", "/").rstrip("/")).name


def score(preds: Iterable[dict[str, Any]], golds: Iterable[dict[str, Any]]) -> dict[str, Any]:
    by_name = {name_of(p.get("source")): p for p in preds}
    counts = {f: [0, 0, 0] for f in SET_FIELDS}
    exact = {f: [0, 0] for f in EXACT_FIELDS}
    unmatched = []
    for gold in golds:
        pred = by_name.get(name_of(gold.get("source")), {})
        if not pred:
            unmatched.append(name_of(gold.get("source")))
        for f in SET_FIELDS:
            if f in gold:
                g = {member_key(f, v) for v in gold.get(f) or []}
                p = {member_key(f, v) for v in pred.get(f) or []}
                counts[f][0] += len(g & p)
                counts[f][1] += len(p - g)
                counts[f][2] += len(g - p)
        for f in EXACT_FIELDS:
            if f in gold:
                gv, pv = gold.get(f), pred.get(f)
                if isinstance(gv, str) and isinstance(pv, str):
                    gv, pv = gv.strip().upper(), pv.strip().upper()
                exact[f][0] += int(gv == pv)
                exact[f][1] += 1
    fields: dict[str, dict[str, Any]] = {}
    tp = fp = fn = 0
    for f, (a, b, c) in counts.items():
        p, r, f1 = prf(a, b, c)
        fields[f] = {"precision": p, "recall": r, "f1": f1, "tp": a, "fp": b, "fn": c}
        tp, fp, fn = tp + a, fp + b, fn + c
    for f, (ok, n) in exact.items():
        fields[f] = {"accuracy": ok / n if n else 1.0, "correct": ok, "of": n}
        tp, fn = tp + ok, fn + (n - ok)
    return {"documents": len(by_name), "unmatched": unmatched, "fields": fields, "overall_f1": prf(tp, fp, fn)[2]}


def format_report(result: dict[str, Any]) -> str:
    lines = []
    for f, m in result["fields"].items():
        if "f1" in m:
            lines.append(f"{f:16} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f} "
                         f"(tp={m['tp']} fp={m['fp']} fn={m['fn']})")
        else:
            lines.append(f"{f:16} accuracy={m['accuracy']:.3f} ({m['correct']}/{m['of']})")
    if result["unmatched"]:
        lines.append("no prediction for: " + ", ".join(result["unmatched"]))
    lines.append(f"overall micro-F1 {result['overall_f1']:.3f}")
    return "\n".join(lines)
