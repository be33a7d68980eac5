"""The page's own words in English and Turkish, chosen by the browser's ``Accept-Language``.

Only the page's words: texts, snippets and the JSON API are never translated."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "searcher",
        "search": "Search",
        "placeholder": "words, \"a quotation\", a question…",
        "hint": "Any inflection, case or ASCII spelling; \"double quotes\" for a quotation.",
        "results": "{n} passages",
        "results_more": "passages {first}–{last}",
        "no_results": "No passage matches {q}.",
        "no_more": "No more passages.",
        "near_words": "No match for {typed}; searched near words: {near}",
        "no_exact": "No exact match for the quotation; closest passages shown.",
        "not_in_texts": "Not in the texts, left out: {words}",
        "held": "holds {n} of {of} words",
        "question": "Read as a question ({kind}): searched for {content}",
        "page": "p.",
        "line": "line",
        "lines": "lines",
        "section": "section",
        "notes": "notes",
        "open": "open passage",
        "previous": "previous",
        "next": "next",
        "concordance": "concordance",
        "dispersion": "where in the book",
        "back": "back to the results",
        "home": "new search",
        "passage": "passage",
        "before": "before",
        "after": "after",
        "sort": "sort",
        "sort_position": "in order",
        "sort_left": "by the words before",
        "sort_right": "by the words after",
        "occurrences": "{n} occurrences of {q}",
        "shown": "{n} shown",
        "no_occurrences": "No occurrences of {q}.",
        "pages": "pages",
        "total": "total",
        "most_on": "most on",
        "error": "Error",
        "exact": "exact",
        "inflected": "inflected",
        "near": "near",
        "words": "words",
        "semantic": "by meaning",
        "when": "when",
        "count": "how many",
        "who": "who",
        "where": "where",
        "why": "why",
        "how": "how",
        "which": "which",
        "what": "what",
        "yes/no": "yes or no",
    },
    "tr": {
        "title": "searcher",
        "search": "Ara",
        "placeholder": "kelimeler, \"bir alıntı\", bir soru…",
        "hint": ("Her çekim, büyük-küçük harf ve Türkçe harfsiz yazım bulunur; "
                 "alıntı için \"çift tırnak\"."),
        "results": "{n} paragraf",
        "results_more": "paragraf {first}–{last}",
        "no_results": "{q} hiçbir paragrafta yok.",
        "no_more": "Başka paragraf yok.",
        "near_words": "{typed} bulunamadı; yakın kelimeler arandı: {near}",
        "no_exact": "Alıntının birebir eşi yok; en yakın paragraflar gösteriliyor.",
        "not_in_texts": "Metinlerde yok, aranmadı: {words}",
        "held": "{of} kelimenin {n} tanesi",
        "question": "Soru olarak okundu ({kind}): aranan {content}",
        "page": "s.",
        "line": "satır",
        "lines": "satırlar",
        "section": "bölüm",
        "notes": "dipnotlar",
        "open": "paragrafı aç",
        "previous": "önceki",
        "next": "sonraki",
        "concordance": "bağlam dizini",
        "dispersion": "kitapta nerede",
        "back": "sonuçlara dön",
        "home": "yeni arama",
        "passage": "paragraf",
        "before": "önce",
        "after": "sonra",
        "sort": "sırala",
        "sort_position": "sırayla",
        "sort_left": "önceki kelimelere göre",
        "sort_right": "sonraki kelimelere göre",
        "occurrences": "{q}: {n} geçiş",
        "shown": "{n} gösteriliyor",
        "no_occurrences": "{q} hiç geçmiyor.",
        "pages": "sayfa",
        "total": "toplam",
        "most_on": "en çok",
        "error": "Hata",
        "exact": "birebir",
        "inflected": "çekimli",
        "near": "yakın",
        "words": "kelimeler",
        "semantic": "anlamca",
        "when": "ne zaman",
        "count": "kaç",
        "who": "kim",
        "where": "nerede",
        "why": "neden",
        "how": "nasıl",
        "which": "hangi",
        "what": "ne",
        "yes/no": "evet mi hayır mı",
    },
}

LANGUAGES = tuple(WORDS)
DEFAULT = "en"


def language(accept: str | None) -> str:
    """The language of :data:`LANGUAGES` the ``Accept-Language`` header prefers most
    (``tr-TR,tr;q=0.9,en;q=0.8`` -> ``tr``); English when it names neither."""
    best, best_q = DEFAULT, 0.0
    for item in (accept or "").split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in WORDS:
            continue
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > best_q:  # ties: the first named wins
            best, best_q = primary, q
    return best


class Words:
    """The page's words in one language: ``words("results", n=3)``, ``words.tier("near")``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._words = WORDS[lang]

    def __call__(self, key: str, **values) -> str:
        text = self._words.get(key, key)
        return text.format(**values) if values else text

    def __getitem__(self, key: str) -> str:
        return self._words.get(key, key)
