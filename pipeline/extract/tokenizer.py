"""The pipelines' tokenizer: the document view first, then spaCy's own tokenizer for the language.

Why in the tokenizer: every component of an exportwatch pipeline reads the normalised view of the
text (Simplified script, ASCII punctuation, quotes and inserted pinyin removed, wrapped lines
joined: pipeline/extract/view.py). Making the view where spaCy makes the Doc means
`spacy.load("models/exportwatch-zh")("對釤相關物項實施出口管制")` runs the whole pipeline on any
text, and no component can see the raw text by mistake. The Doc's text is the view; the offset
map back to the original text is in `doc.user_data["ew_map"]` (an `OffsetMap`) and the original
in `doc.user_data["ew_original"]`.

Registered as `exportwatch.ViewTokenizer.v1`; its data (normalise.yml with the OpenCC character
table) is given at `nlp.initialize()` ([initialize.tokenizer] normalise_path) and saved with the
pipeline.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.view import Normaliser, load_data


_WHITESPACE = re.compile(r"\s+")


def char_words_and_spaces(text: str) -> tuple[list[str], list[bool]]:
    """spaCy's Chinese "char" segmentation (one token per character, whitespace runs as tokens,
    one space after a character as its trailing space), in linear time: spaCy's own alignment
    (util.get_words_and_spaces) slices the rest of the text for every character, which is
    quadratic, half a minute for a 1,000,000-character annex. The characters between whitespace
    runs are added a run at a time (list.extend in C), not one by one in Python."""
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for m in _WHITESPACE.finditer(text):
        start, end = m.span()
        if start > pos:
            chunk = text[pos:start]
            words.extend(chunk)
            spaces.extend([False] * len(chunk))
            if text[start] == " ":  # the character's trailing space; the rest of the run is a token
                spaces[-1] = True
                start += 1
        if end > start:
            words.append(text[start:end])
            spaces.append(False)
        pos = end
    if pos < len(text):
        chunk = text[pos:]
        words.extend(chunk)
        spaces.extend([False] * len(chunk))
    return words, spaces


class ViewTokenizer:
    def __init__(self, base: Any, data: dict[str, Any] | None = None):
        self.base = base
        self.vocab = base.vocab
        self.data = data or {}
        self.normaliser = Normaliser(self.data)

    def __call__(self, text: str) -> Doc:
        view, omap = self.normaliser.normalise(text)
        if getattr(self.base, "segmenter", None) == "char":
            doc = Doc(self.vocab, *char_words_and_spaces(view))
        else:
            doc = self.base(view)
        doc.user_data["ew_text"] = view
        doc.user_data["ew_map"] = omap
        doc.user_data["ew_original"] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def initialize(self, get_examples: Callable | None = None, *, nlp: Language | None = None,
                   normalise_path: str | None = None, pkuseg_model: str | None = None,
                   pkuseg_user_dict: str | None = "default") -> None:
        """Load the view's data; the Chinese base tokenizer takes its own (pkuseg) settings."""
        if normalise_path:
            self.data = load_data(Path(normalise_path))
            self.normaliser = Normaliser(self.data)
        if hasattr(self.base, "initialize"):
            if nlp is not None and nlp.lang == "zh":
                self.base.initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model,
                                     pkuseg_user_dict=pkuseg_user_dict)
            else:
                self.base.initialize(get_examples, nlp=nlp)

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.base.to_disk(path / "base", **kwargs)
        (path / "normalise.json").write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, **kwargs: Any) -> "ViewTokenizer":
        path = Path(path)
        self.base.from_disk(path / "base", **kwargs)
        self.data = json.loads((path / "normalise.json").read_text(encoding="utf-8"))
        self.normaliser = Normaliser(self.data)
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return json.dumps({"base": self.base.to_bytes(**kwargs).hex(), "data": self.data},
                          ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, **kwargs: Any) -> "ViewTokenizer":
        obj = json.loads(data.decode("utf-8"))
        self.base.from_bytes(bytes.fromhex(obj["base"]), **kwargs)
        self.data = obj["data"]
        self.normaliser = Normaliser(self.data)
        return self


@spacy.registry.tokenizers("exportwatch.ViewTokenizer.v1")
def make_view_tokenizer(segmenter: str = "char") -> Callable[[Language], ViewTokenizer]:
    """The language's own tokenizer (zh: spaCy's ChineseTokenizer with `segmenter`) behind the view."""

    def create(nlp: Language) -> ViewTokenizer:
        if nlp.lang == "zh":
            base = spacy.registry.tokenizers.get("spacy.zh.ChineseTokenizer")(segmenter=segmenter)(nlp)
        else:
            base = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        return ViewTokenizer(base)

    return create
