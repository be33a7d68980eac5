"""Stage 5 (query): Turkish questions -> content words + the kind of answer asked for.

``Moskova Antlaşması ne zaman imzalandı`` asks *when*; its question words (``ne
zaman``) are not what the answer passage says, so they are taken out of the
search, and the kind of answer (a date) is looked for in the sentence where the
content words meet.  Question forms are recognised folded (``kac`` = ``kaç``,
``nasil`` = ``nasıl``), in any case, with person and tense endings (``kimdi``,
``nerelerdi``, ``mıydı``, ``misiniz``).

An answer kind is a preference, never a filter: :func:`answer_spans` finds the
evidence (dates, amounts, personal names, places, reasons) in a text and the
engine gives a bounded bonus to passages whose best sentence holds some.
"""

from __future__ import annotations

import re
from collections import namedtuple
from functools import cache, lru_cache

from searcher.errors import QueryError
from searcher.query.parse import content_parts, split_query
from searcher.query.rules import MANY_WORDS, QUESTION_FROM_WORDS
from searcher.text import tokens, turkish

WHEN, COUNT, WHO, WHERE, WHY, HOW, WHICH, YESNO = (
    "when", "count", "who", "where", "why", "how", "which", "yes/no",
)

# Question words, folded; the kind each one asks for.  Endings: -ler (plural),
# -di/-dir (past, copula), -in/-e/-i/-den (case).
_WORD_FORMS: tuple[tuple[str, str], ...] = (
    (r"kim(ler)?(di|dir|dirler|in|e|i|den|le|lerdi|lerdir)?", WHO),
    (r"nere(si|sini|sine|sinde|sinden|siydi|sidir|de|ye|den|leri|lerini|lerde|lerdi|lerdir|"
     r"dedir|deydi|ydi|lere|lerden)?|nerde", WHERE),
    (r"kac(i|ta|tir|ti|inci|ar)?", COUNT),
    (r"neden|nicin|niye|nedendir|nedenle", WHY),
    (r"nasil(di|dir)?", HOW),
    (r"hangi(si|leri|sidir|leriydi|siydi)?", WHICH),
    (r"ne(ler|lerdi|lerdir|dir|ydi|yi|yin|ye)?", WHICH),
    # the yes/no particle with person, tense and copula endings
    (r"m[iu](d[iu]r|yd[iu]|yd[iu]k|ym[iu]s|s[iu]n|s[iu]n[iu]z|y[iu]m|y[iu]z|d[iu]rlar)?",
     YESNO),
)
#: How every form above starts: other words are no question words, and a query
#: without one never compiles the forms (~0.5 ms of a terminal search).
_FORM_STARTS = ("ki", "ne", "ka", "ni", "na", "ha", "mi", "mu")


@cache
def _word_kinds() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(p), kind) for p, kind in _WORD_FORMS)


#: Words after ``ne``/``hangi`` that make the pair one question form.
_PAIRS = {
    "zaman": WHEN, "zamandi": WHEN, "zamandir": WHEN,
    "kadar": COUNT, "kadardi": COUNT, "kadardir": COUNT, "kadarlik": COUNT,
    "miktar": COUNT, "miktarda": COUNT,
    "icin": WHY,
    "tarihte": WHEN, "tarihinde": WHEN, "tarihlerde": WHEN, "yil": WHEN, "yilda": WHEN,
    "yilinda": WHEN, "ayda": WHEN, "ayinda": WHEN, "gun": WHEN, "gunu": WHEN, "gunde": WHEN,
    "kentte": WHERE, "kentde": WHERE, "sehirde": WHERE, "yerde": WHERE, "ulkede": WHERE,
    "ulke": WHERE, "kent": WHERE, "sehir": WHERE, "ulkeler": WHERE, "yere": WHERE,
}
_STANDALONE = {"kadardi": COUNT, "kadardir": COUNT, "kadarlik": COUNT}
# when several question words occur, the more specific kind wins
_PRIORITY = (WHEN, COUNT, WHO, WHERE, WHY, HOW, WHICH, YESNO)


class Question(namedtuple("Question", "content kind question_words open", defaults=(False,))):
    """What a question asks: its content (the query less question words) and kind.

    ``content``: query text to search (quoted phrases kept quoted); ``kind``: WHEN,
    COUNT, WHO, WHERE, WHY, HOW, WHICH, YESNO or None; ``question_words``: the words
    taken out, as typed; ``open``: ranked by the words that match, missing words left
    out (a question of :data:`~searcher.query.rules.QUESTION_FROM_WORDS` typed words
    or more).  A named tuple, not a dataclass: every search process creates this
    class at start-up (a frozen dataclass costs ~1 ms to make, as
    :mod:`searcher.query.operators` measured)."""

    __slots__ = ()

    def to_dict(self) -> dict:
        return self._asdict()


def _word_kind(folded: str) -> str | None:
    if not folded.startswith(_FORM_STARTS):
        return None
    for pattern, kind in _word_kinds():
        if pattern.fullmatch(folded):
            return kind
    return None


def _folded_word(text: str) -> str:
    """``Kimdi?`` -> ``kimdi``: a typed word as question forms are matched."""
    found = tokens.TOKEN_RE.findall(tokens.surface(text))
    return turkish.fold(found[0]) if len(found) == 1 else ""


def analyse(query: str, parts: list[tuple[str, str]] | None = None) -> Question | None:
    """The question in *query* (split into *parts* by :func:`split_query`, unless
    given), or None when it is no question (or nothing but question words, which
    are then searched as typed)."""
    if parts is None:
        try:
            parts = split_query(query)
        except QueryError:  # the parser reports bad queries itself
            return None
    folded = [_folded_word(t) if k == "word" else "" for k, t in parts]
    kinds: list[str] = []
    drop: set[int] = set()
    for i, f in enumerate(folded):
        kind = _word_kind(f) if f else None
        if kind is None and f in _STANDALONE:
            kind = _STANDALONE[f]
        if kind is None:
            continue
        drop.add(i)
        nxt = folded[i + 1] if i + 1 < len(folded) else ""
        if f in ("ne", "hangi") and nxt in _PAIRS:
            drop.add(i + 1)
            kind = _PAIRS[nxt]
        kinds.append(kind)
    asked = query.rstrip().endswith("?")
    n_typed = sum(1 for k, _ in parts if k == "word")
    if not kinds and not asked:
        # no question word: a question all the same when it has many content words
        content = [t for k, t in parts if k == "word" and tokens.surface(t)
                   not in turkish.STOP_WORDS]
        if len(content) < MANY_WORDS or any(k == "phrase" for k, _ in parts):
            return None
        return Question(content=query, kind=None, question_words=(), open=True)
    keep = [(k, t) for i, (k, t) in enumerate(parts) if i not in drop]
    if not any(k == "phrase" or tokens.TOKEN_RE.search(t) for k, t in keep):
        return None
    content = " ".join(f'"{t}"' if k == "phrase" else t for k, t in keep)
    kind = min(kinds, key=_PRIORITY.index) if kinds else YESNO
    words = tuple(parts[i][1] for i in sorted(drop))
    return Question(content=content.replace("?", " ").strip() or content, kind=kind,
                    question_words=words, open=n_typed >= QUESTION_FROM_WORDS)


def question_words(question: Question, parts: list[tuple[str, str]]) -> tuple[str, ...]:
    """The content words *question* is searched for, as typed (stop words left out)."""
    return tuple(t for k, t in content_parts(split_query(question.content)) if k == "word")


# ------------------------------------------------------------------ answer evidence

_UP = "A-ZÇĞİÖŞÜÂÎÛ"
_LOW = "a-zçğıöşüâîû"
_MONTHS = (
    "ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık"
)
_YEAR = r"\b(?:19[0-3]\d)\b"
_EVIDENCE: dict[str, str | tuple] = {  # compiled on first use (CLI start-up)
    WHEN: (
        rf"{_YEAR}|\b\d{{1,2}}\s+(?:{_MONTHS})\w*|\b(?:{_MONTHS})\w*\s+19[0-3]\d",
        re.IGNORECASE,
    ),
    # not a year, a day ("16 Mart"), an ordinal ("1. Madde"), a year's suffix ("1921'de");
    # (?<!\w) first: the engine skips to places that start a token; no IGNORECASE,
    # which costs 3x: number words and units are written in lower case
    COUNT: (
        rf"(?<!\w)(?:(?!19[0-3]\d\b)\d[\d.,]*\b(?!'|\.\s|\s+(?i:{_MONTHS}))|"
        r"(?:iki|üç|dört|beş|yedi|sekiz|dokuz|yirmi|otuz|kırk|elli|altmış|yetmiş|seksen|"
        r"doksan|yüz|bin|milyon|milyar)\b|(?:ruble|lira|kg|km|oyla|oy|tane|adet|kişi)\w*)"
    ),
    WHO: (
        rf"\b[{_UP}][{_LOW}]+\s+(?:Paşa|Bey|Efendi|Hanım)\w*|"
        rf"\b(?:[{_UP}]\.\s?){{1,3}}[{_UP}][{_LOW}]+|"
        rf"\b(?:Doktor|Albay|General|Yoldaş|Komiser)\s+[{_UP}][{_LOW}]+|"
        rf"\b[{_UP}][{_LOW}]+\s+[{_UP}][{_LOW}]+(?:'\w+)?\s+(?:Bey|Paşa)\w*"
    ),
    WHERE: (
        rf"\b[{_UP}][\w-]+'(?:[dt][ae]n?|[ny]?[ae]|[dt][ae]ki)\b|"
        r"\b(?:kent|şehir|bölge|il|köy|liman|kasaba|ülke)\w*",
    ),
    "span": (  # a time span: answers *when* as a date does
        r"\b(?:\d+|bir|iki|üç|dört|beş|altı|yedi|sekiz|dokuz|on|yirmi|otuz|kırk|elli|"
        r"birkaç)\s+(?:gün|hafta|ay|yıl|saat)"
        r"(?:l[ıiuü]k|[dt][ae]n?|d[ıiuü]r|[ıiuüae])?\b",
        re.IGNORECASE,
    ),
    WHY: (
        r"\b(?:neden\w+|çünkü|dolayı\w*|yüzünden|amacıyla|sebebiyle|gerekçe\w*|"
        r"için|ötürü|zorunda)\b",
        re.IGNORECASE,
    ),
}


def asks_for_evidence(kind: str | None) -> bool:
    """Whether a kind of question has answer evidence to look for."""
    return kind in _EVIDENCE


def answer_spans(text: str, kind: str | None) -> list[tuple[int, int]]:
    """Character spans of *text* that could answer a question of *kind*."""
    pattern = _evidence(kind or "")
    return [m.span() for m in pattern.finditer(text)] if pattern else []


#: The evidence a passage must hold to answer a question of a kind: a date or a
#: time span (``üç ay içinde``) for *when*, an amount for *how many*.  Names, places
#: and reasons are found too loosely to turn a question away (a preference only).
_ANSWER_NEEDS = {WHEN: (WHEN, "span"), COUNT: (COUNT,)}


def holds_answer(text: str, kind: str | None) -> bool:
    """Whether *text* holds the kind of answer asked for (:data:`_ANSWER_NEEDS`):
    what makes a passage holding a question's words its answer.  Always, for the
    other kinds."""
    needs = _ANSWER_NEEDS.get(kind or "")
    return needs is None or any(_evidence(k).search(text) for k in needs)


@cache
def _evidence(kind: str) -> re.Pattern | None:
    spec = _EVIDENCE.get(kind)
    if spec is None:
        return None
    return re.compile(*spec) if isinstance(spec, tuple) else re.compile(spec)


# compiled on first use (re's own cache), as the evidence: plain searches need neither
_SENTENCE_END = r"[.!?:;][\"”'’)*]*\s+(?=[\"“'‘(]*[" + _UP + r"0-9])"
# "G.V." / "M. V." / "XV." / "9." before the break: an initial or an ordinal, no end
_NO_END = r"(?:^|[\s.(])(?:[A-ZÇĞİÖŞÜ]|[IVXL]+|\d+)\.$"


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of *text*; initials (``G.V. Çiçerin``) and
    ordinals (``XV. Kolordu``) do not end one."""
    out: list[tuple[int, int]] = []
    start = 0
    no_end = re.compile(_NO_END)
    for m in re.finditer(_SENTENCE_END, text):
        end = m.start() + 1
        if text[m.start()] == "." and no_end.search(text, max(start, end - 5), end):
            continue
        out.append((start, end))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return tuple(out)
