"""Whitespace, invisible characters and consent banners: the clean-up every scraped string gets
first, so that hashes and regexes see the words and nothing else.
"""

from __future__ import annotations

import re

# Characters that are not visible and must vanish without leaving a space: a soft hyphen or a
# zero-width space inside "arbets\u00admarknad" must give "arbetsmarknad", not "arbets marknad".
# Invisible characters, and control characters (C0 but whitespace, DEL, C1): an escape sequence
# in a scraped title must not reach the coordinator's terminal through `utlys review list`.
# Bidi controls (U+202E and friends) go too: they can make a mail or a terminal show a title
# other than the one stored ("fdp.exe" read as "exe.pdf").
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u200d\u2060\ufeff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)

# Consent banners that CMSs render into the page text (esf.se's WordPress banner, SiteVision's
# "Kakor" dialog on arvsfonden.se, the generic "Vi använder kakor"). Each pattern is
# bounded (no unbounded ``.*``) so that a banner phrase in the middle of a call text can never
# swallow the call text itself. Applied in order, after whitespace has been collapsed.
COOKIE_NOISE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # esf.se 2021-22: "Den här hemsidan använder cookies för att ... Lär dig mer [Jag förstår]"
        r"Den här (?:hem|webb)?(?:sidan|platsen) använder (?:cookies|kakor)\b.{0,400}?"
        r"(?:Lär dig mer|Läs mer(?: om (?:cookies|kakor))?)(?: Jag förstår| OK)?\.?",
        # SiteVision (arvsfonden.se): "Kakor ... Lyssna-funktionen [...]."
        r"\bKakor\b.{0,800}?Lyssna-funktionen\b\.?",
        # Generic: "Vi använder kakor (cookies) för att ...." up to the end of the sentence(s).
        r"\bVi använder (?:kakor|cookies)\b[^.]{0,300}\.(?: ?Läs mer om (?:hur vi använder )?"
        r"(?:kakor|cookies)\.?)?",
        r"\b(?:Den här|Denna) (?:webb|hem)?(?:plats|sida)(?:en|n)? använder (?:kakor|cookies)"
        r"\b[^.]{0,300}\.",
        # Buttons and links of consent dialogs.
        r"\b(?:Godkänn|Acceptera|Tillåt|Neka|Avvisa) (?:alla )?(?:kakor|cookies)\b",
        r"\b(?:Endast|Bara|Använd endast) nödvändiga (?:kakor|cookies)\b",
        r"\b(?:Inställningar för|Hantera|Anpassa) (?:kakor|cookies)\b",
        r"\b(?:Cookie|Kak)inställningar\b",
        r"\bLäs mer om (?:kakor|cookies)\b\.?",
    )
)


def clean_text(text: str | None) -> str:
    """Collapse whitespace and drop consent-banner noise.

    Scraped text carries NBSPs, soft hyphens and banner sentences that would otherwise end up in
    summaries, break regexes and change content hashes when only the banner changed.
    """
    if not text:
        return ""
    # str.split() knows every Unicode space (NBSP, thin space, line separator) and is fast.
    text = " ".join(_INVISIBLE.sub("", text).split())
    lowered = text.lower()
    if "kak" not in lowered and "cookie" not in lowered:
        return text  # every banner pattern names kakor or cookies: skip them (most texts)
    for pattern in COOKIE_NOISE_PATTERNS:
        text = pattern.sub(" ", text)
    return " ".join(text.split())


def ellipsize(text: str, width: int = 70) -> str:
    """One line of at most ``width`` characters, cut with "…", for tables in a terminal."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
