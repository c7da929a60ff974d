"""Data out of code: the extractor's words live in models/src (YAML/JSONL), never in Python.

Why a test: a cue written into a .py file is invisible to whoever maintains the vocabularies, is
not scanned in the one Hyperscan pass, and drifts from the data files. So no string constant in
pipeline/extract (docstrings and comments aside) may hold a Chinese character or CJK punctuation,
and no regex written in the code may hold an English word: code may only carry structural
patterns (digits, brackets, whitespace).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

EXTRACT = Path(__file__).resolve().parent.parent / "pipeline" / "extract"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
RE_FUNCS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"}
WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")  # \b, \d, \s and short group names are not words


def _docstring_ids(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                out.add(id(first.value))
    return out


def _sources() -> list[Path]:
    files = sorted(EXTRACT.rglob("*.py"))
    assert len(files) > 10  # the walk found the package
    return files


def test_no_chinese_text_in_extractor_code() -> None:
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstring_ids(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs \
                    and CJK.search(node.value):
                found.append(f"{path.relative_to(EXTRACT)}:{node.lineno}: {node.value[:40]!r}")
    assert not found, "Chinese text belongs in models/src, not in code:\n" + "\n".join(found)


def test_no_english_words_in_extractor_regexes() -> None:
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RE_FUNCS \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                # group names and character escapes (\u4e00, \x20) are not cues
                pattern = re.sub(r"\(\?P<\w+>|\(\?P=\w+\)|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}", "", node.args[0].value)
                if WORD.search(pattern):
                    found.append(f"{path.relative_to(EXTRACT)}:{node.lineno}: {node.args[0].value[:60]!r}")
    assert not found, "cue words belong in models/src, not in code regexes:\n" + "\n".join(found)


def test_the_checks_catch_what_they_are_for() -> None:
    """The detectors themselves: a cue word and a Chinese literal are found, structure is not."""
    assert CJK.search("出口管制") and CJK.search("。") and not CJK.search("1C902.a")
    assert WORD.search("export\\s+controls?") and not WORD.search(r"\d{4}(?:[. ]?\d{2}){2}\b\s*")
