"""Whitespace, cookie banners, links and mail-header text from untrusted pages."""

import pytest

from crawler.normalize import clean_text, header_safe, safe_url

BASE = "http://127.0.0.1:8765/esf/utlysningar/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Utlysning \n\t ESF+  ", "Utlysning ESF+"),
        ("40\u00a0000\u00a0000\u2009kr", "40 000 000 kr"),
        ("arbets\u00admarknad", "arbetsmarknad"),  # soft hyphen vanishes
        ("arbets\u200bmarknad\ufeff", "arbetsmarknad"),  # zero-width space, BOM
        ("rad ett\r\nrad två\u2028rad tre", "rad ett rad två rad tre"),
        ("", ""),
        (None, ""),
        # esf.se 2021-22 cookie banner, with the button after it
        (
            "Den här hemsidan använder cookies för att ge dig en bättre upplevelse och för att "
            "vi ska kunna förbättra webbplatsen. Lär dig mer Jag förstår Utlysningar inom ESF+",
            "Utlysningar inom ESF+",
        ),
        # SiteVision (arvsfonden.se)
        (
            "Kakor (cookies) Vi använder kakor för att webbplatsen ska fungera, för statistik "
            "och för Lyssna-funktionen. Godkänn alla kakor Endast nödvändiga kakor "
            "Ansök om pengar",
            "Ansök om pengar",
        ),
        (
            "Vi använder kakor för att förbättra din upplevelse av webbplatsen. Läs mer om kakor. "
            "Godkänn alla kakor Projektstöd",
            "Projektstöd",
        ),
        (
            "Den här webbplatsen använder kakor för statistik. Sista ansökningsdag 1 mars",
            "Sista ansökningsdag 1 mars",
        ),
        ("Acceptera alla cookies Hantera cookies Cookieinställningar Utlysning", "Utlysning"),
        # a call that mentions cookies for real keeps its text
        ("Projekt om bakning av kakor för äldre", "Projekt om bakning av kakor för äldre"),
    ],
)
def test_clean_text_collapses_whitespace_and_drops_cookie_banners(text, expected):
    assert clean_text(text) == expected


def test_clean_text_never_swallows_a_long_call_text_after_a_banner_word():
    body = "Kakor " + "Utlysningen vänder sig till kommuner. " * 40 + "Lyssna-funktionen"
    assert "Utlysningen vänder sig till kommuner." in clean_text(body)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/esf/utlysningar/larling/", "http://127.0.0.1:8765/esf/utlysningar/larling/"),
        ("page/2/", "http://127.0.0.1:8765/esf/utlysningar/page/2/"),
        (
            "https://www.esf.se/utlysningar/?region=kronoberg#sok",
            "https://www.esf.se/utlysningar/?region=kronoberg#sok",
        ),
        ("HTTPS://WWW.ESF.SE/Utlysningar/", "https://www.esf.se/Utlysningar/"),
        ("  /esf/a b/  ", "http://127.0.0.1:8765/esf/a%20b/"),
        (
            "/esf/samverkan-för-ökad-inkludering/",
            "http://127.0.0.1:8765/esf/samverkan-f%C3%B6r-%C3%B6kad-inkludering/",
        ),
        ("/esf/a\n/b", "http://127.0.0.1:8765/esf/a/b"),
        ("//www.esf.se/x", "http://www.esf.se/x"),
        ("https://user:secret@www.esf.se:8443/x", "https://www.esf.se:8443/x"),
        ('/x"><script>', "http://127.0.0.1:8765/x%22%3E%3Cscript%3E"),
        # not http(s) or no host
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("mailto:info@esf.se", None),
        ("tel:+46101234567", None),
        ("file:///etc/passwd", None),
        ("ftp://ftp.esf.se/x", None),
        ("http://", None),
        ("http:///x", None),
        ("http://host:99999/", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url_keeps_only_absolute_http_links(href, expected):
    assert safe_url(href, BASE) == expected


def test_safe_url_without_base_drops_relative_links():
    assert safe_url("/esf/utlysningar/") is None
    assert safe_url("https://www.esf.se/") == "https://www.esf.se/"


def test_safe_url_does_not_trust_a_javascript_base():
    assert safe_url("alert(1)", "javascript:void(0)") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ny utlysning: Lärlingsmodeller", "Ny utlysning: Lärlingsmodeller"),
        ("Titel\r\nBcc: offer@example.org", "Titel Bcc: offer@example.org"),
        ("Titel\n", "Titel"),
        ("Titel=?UTF-8?Q?=0A?=Bcc: offer@example.org", "Titel Bcc: offer@example.org"),
        ("=?utf-8?b?QmNjOiBvZmZlckBleGFtcGxlLm9yZw==?= Titel", "Titel"),
        ("=?=?UTF-8?Q?x?=UTF-8?Q?=0A?=Titel", "= ? UTF-8?Q?=0A?=Titel"),
        ("Titel\u2028med\x85radbrytning\x00", "Titel med radbrytning"),
        ("Ansök\u00a0senast  15 mars", "Ansök senast 15 mars"),
        ("", ""),
        (None, ""),
    ],
)
def test_header_safe_gives_one_line_without_encoded_words(text, expected):
    result = header_safe(text)
    assert result == expected
    assert "\r" not in result and "\n" not in result and "=?" not in result


def test_clean_text_drops_control_characters_that_could_drive_a_terminal():
    assert clean_text("Utlysning\x1b[2J för unga\x07\x9b") == "Utlysning[2J för unga"
    assert clean_text("rad ett\nrad\ttvå") == "rad ett rad två"


def test_clean_text_drops_bidi_controls_that_could_reverse_what_a_reader_sees():
    # U+202E would show "Utlysning fdp.exe" as "Utlysning exe.pdf" in a mail client or terminal.
    text = "Utlysning \u202efdp.exe\u202c, \u2066isolerad\u2069 \u200fRLM\u200e \u061cALM"
    assert clean_text(text) == "Utlysning fdp.exe, isolerad RLM ALM"
