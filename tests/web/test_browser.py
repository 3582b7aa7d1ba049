"""The coordinator's web app in a real Chromium, on the database the demo makes: what issue #9
asks to be checked as a person would (login, Granska, search, Utskick over real SMTP, the
unsubscribe link of a real .eml, every page on a laptop and a phone, no console errors).

The tests of this module run in file order on one database and one server: each builds on what
the one before it changed, as the coordinator's session would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from aiosmtpd.controller import Controller

from crawler.store import open_db
from digest import subscribers
from tests.digest.conftest import Handler, free_port

from .browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LAPTOP,
    PHONE,
    Watched,
    demo_database,
    mail_settings,
    require_chromium,
    serving,
    unsubscribe_link,
)
from .conftest import PASSWORD

require_chromium()
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

PAGES = {
    "oversikt": "/",
    "granska": "/granska",
    "utlysningar": "/utlysningar",
    "utskick": "/utskick",
    "kallor": "/kallor",
    "mottagare": "/mottagare",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("browser")
    db_path, today = demo_database(workdir / "demo")
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    shots = workdir / "screenshots"
    shots.mkdir()
    print(f"\nscreenshots: {shots}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("UTLYS_WEB_PASSWORD", PASSWORD)
        patch.delenv("UTLYS_TODAY", raising=False)
        settings = mail_settings(workdir / "settings.yaml", controller.port)
        try:
            with serving(db_path, settings, today) as (base_url, app), sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    yield {
                        "base": base_url,
                        "db": db_path,
                        "outbox": workdir / "demo" / "outbox",
                        "smtp": handler,
                        "browser": browser,
                        "shots": shots,
                        "period": today.strftime("%Y-%m"),
                    }
                finally:
                    browser.close()
        finally:
            controller.stop()


@pytest.fixture
def watched() -> Watched:
    return Watched()


def _page(site: dict[str, Any], watched: Watched, viewport: dict[str, int] = LAPTOP) -> Page:
    context = site["browser"].new_context(viewport=viewport, base_url=site["base"], locale="sv-SE")
    context.set_default_timeout(10_000)
    return watched.attach(context.new_page())


@pytest.fixture
def page(site, watched) -> Iterator[Page]:
    page = _page(site, watched)
    yield page
    page.context.close()
    assert watched.problems == []


def _log_in(page: Page, password: str = PASSWORD) -> None:
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


@pytest.fixture
def coordinator(page: Page) -> Page:
    page.goto("/logga-in")
    _log_in(page)
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_be_visible()
    return page


def _reviews(db_path: Path) -> dict[int, tuple]:
    db = open_db(db_path)
    try:
        return {
            r["id"]: (r["review"], r["reason"], r["municipality"], r["call_id"])
            for r in db["matches"].rows
        }
    finally:
        db.close()


def _built(db_path: Path, period: str) -> list[tuple[str, str]]:
    db = open_db(db_path)
    try:
        rows = db["deliveries"].rows_where(
            "kind = 'digest' and period = ? and status = 'built'", [period], order_by="id"
        )
        return [(r["municipality"], r["recipient"]) for r in rows]
    finally:
        db.close()


def test_anonymous_granska_shows_the_login_and_only_the_right_password_opens_it(site, page):
    page.goto("/granska")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    assert page.locator("article.kort").count() == 0
    assert "/logga-in" in page.url
    _log_in(page, "fel lösenord")
    expect(page.get_by_role("alert")).to_contain_text("ösenord")  # Swedish, names the password
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    _log_in(page)
    expect(page.get_by_role("heading", name="Granska matchningar")).to_be_visible()
    assert page.locator("article.kort").count() > 0


def test_granska_approves_one_call_for_two_municipalities_and_rejects_one_with_a_reason(
    site, coordinator
):
    page = coordinator
    before = _reviews(site["db"])
    page.goto("/granska")
    two = re.compile(r"^Godkänn för alla: [^,]+, [^,]+$")
    cards = page.locator("article.kort")
    card = next(
        cards.nth(i)
        for i in range(cards.count())
        if cards.nth(i).get_by_role("button", name=two).count() == 1
    )
    both = card.get_by_role("button", name=two)
    names = both.inner_text().split(": ", 1)[1].split(", ")
    call_title = card.get_by_role("heading", level=2).inner_text()
    both.click()
    expect(page.get_by_text(f"Godkänd för {', '.join(names)}.", exact=True)).to_be_visible()

    other = next(
        cards.nth(i)
        for i in range(cards.count())
        if cards.nth(i).get_by_role("heading", level=2).inner_text() != call_title
    )
    item = other.locator("li.kommun").first
    municipality = item.locator("h3").inner_text().split(" ")[0]
    item.get_by_text(f"Avvisa för {municipality}", exact=True).click()
    reasons = item.get_by_label("Orsak")
    reason = reasons.locator("option").nth(1).inner_text()
    reasons.select_option(label=reason)
    item.get_by_role("button", name="Avvisa", exact=True).click()
    expect(page.get_by_text(reason).first).to_be_visible()
    expect(page.locator(".meddelande").first).to_contain_text(municipality)

    after = _reviews(site["db"])
    changed = {i: after[i] for i in after if after[i] != before[i]}
    approved = sorted(m for review, _r, m, _c in changed.values() if review == "approved")
    rejected = [(m, r) for review, r, m, _c in changed.values() if review == "rejected"]
    assert approved == sorted(names)
    assert rejected == [(municipality, reason)]
    assert len(changed) == 3


def test_searching_arbetslos_finds_a_call_about_arbetslosa_and_opens_it(coordinator):
    page = coordinator
    page.goto("/utlysningar")
    page.get_by_label("Sök i titel").fill("arbetslös")
    page.get_by_label("Sök i titel").press("Enter")
    expect(page).to_have_url(re.compile(r"q=arbetsl"))
    expect(page.get_by_text(re.compile(r"\d+ utlysningar? för ”arbetslös”"))).to_be_visible()
    links = page.locator("main li a[href^='/utlysningar/']")
    found = [
        (links.nth(i).inner_text(), links.nth(i).get_attribute("href"))
        for i in range(links.count())
    ]
    assert found, "the search for arbetslös found nothing"
    # The list shows titles only: open the calls until one's own text says "arbetslösa".
    for title, href in found:
        page.goto(href)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        if page.locator("main").get_by_text(re.compile("arbetslösa")).count():
            break
    else:
        raise AssertionError(f"no call found by 'arbetslös' says 'arbetslösa': {found}")


def test_utskick_previews_a_digest_then_builds_and_sends_over_smtp(site, coordinator):
    page, period = coordinator, site["period"]
    page.goto("/mottagare")
    page.get_by_label("Lista").select_option(label="Alvesta")
    page.get_by_label("E-postadress").fill("ny@alvesta.example.se")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    expect(page.locator(".meddelande").first).to_contain_text("ny@alvesta.example.se")

    page.goto(f"/utskick?manad={period}")
    page.get_by_role("link", name="Alvesta", exact=True).click()
    frame = page.frame_locator("iframe")
    expect(frame.get_by_text("Utlysningar för Alvesta").first).to_be_visible()

    page.goto(f"/utskick?manad={period}")
    page.get_by_role("link", name="Bygg utskicken …").click()
    expect(page.get_by_text("1 meddelande till 1 mottagare i Alvesta (1).")).to_be_visible()
    page.get_by_role("button", name="Ja, bygg 1 meddelande", exact=True).click()
    expect(page.locator(".meddelande.ok").first).to_contain_text("Inget är skickat än.")
    assert _built(site["db"], period) == [("Alvesta", "ny@alvesta.example.se")]
    page.get_by_role("link", name="Skicka …").click()
    sent_before = len(site["smtp"].received)
    page.get_by_role("button", name="Ja, skicka 1 meddelande", exact=True).click()
    expect(page.get_by_text("Skickade 1 meddelande: ny@alvesta.example.se.")).to_be_visible()
    assert len(site["smtp"].received) == sent_before + 1
    assert _built(site["db"], period) == []


def test_the_build_message_names_only_the_messages_it_built(site, coordinator):
    page, period = coordinator, site["period"]
    page.goto("/mottagare")
    page.get_by_label("Lista").select_option(label="Ljungby")
    page.get_by_label("E-postadress").fill("ny@ljungby.example.se")
    page.get_by_role("button", name="Lägg till", exact=True).click()
    page.goto(f"/utskick/{period}/bygg")
    page.get_by_role("button", name="Ja, bygg 1 meddelande", exact=True).click()
    assert _built(site["db"], period) == [("Ljungby", "ny@ljungby.example.se")]
    expect(page.locator(".meddelande.ok").first).to_contain_text(
        "Byggde 1 meddelande till 1 mottagare i Ljungby (1)", timeout=2_000
    )


def test_the_unsubscribe_link_of_a_real_eml_asks_then_removes_the_address(site, page):
    eml = sorted(site["outbox"].glob("utlys.digest.*.vaxjo.*.eml"))[0]
    link = urlsplit(unsubscribe_link(eml))
    query = parse_qs(link.query)
    address, municipality = query["adress"][0], query["lista"][0]
    page.goto(f"{link.path}?{link.query}")  # the demo's host is not this test's server
    expect(page.get_by_role("heading", name="Avregistrera")).to_be_visible()
    expect(page.get_by_text(address)).to_be_visible()
    db = open_db(site["db"])
    try:
        assert subscribers.is_active(db, municipality, address)
    finally:
        db.close()
    page.get_by_role("button", name="Ja, avregistrera mig").click()
    expect(page.get_by_role("heading", name="Du är avregistrerad")).to_be_visible()
    db = open_db(site["db"])
    try:
        assert not subscribers.is_active(db, municipality, address)
    finally:
        db.close()


def test_a_forged_unsubscribe_token_is_refused_and_removes_nobody(site, page):
    eml = sorted(site["outbox"].glob("utlys.digest.*.alvesta.*.eml"))[0]
    query = parse_qs(urlsplit(unsubscribe_link(eml)).query)
    address, municipality = query["adress"][0], query["lista"][0]
    forged = {"lista": municipality, "adress": address, "token": "0" * 32}
    page.goto(f"/avregistrera?{urlencode(forged)}")
    expect(page.get_by_role("heading", name="Länken fungerar inte")).to_be_visible()
    assert page.get_by_role("button", name="Ja, avregistrera mig").count() == 0
    db = open_db(site["db"])
    try:
        assert subscribers.is_active(db, municipality, address)
    finally:
        db.close()


@pytest.mark.parametrize("size", ["dator", "mobil"])
def test_every_page_fits_the_screen_has_a_usable_nav_and_is_screenshotted(site, watched, size):
    viewport = LAPTOP if size == "dator" else PHONE
    page = _page(site, watched, viewport)
    try:
        page.goto("/logga-in")
        focused = []
        for _ in range(6):  # from the top of the page, by keyboard only
            page.keyboard.press("Tab")
            focused.append(page.evaluate("(e => e.id || e.textContent)(document.activeElement)"))
        assert "losenord" in focused
        assert "Logga in" in [f.strip() for f in focused]
        page.screenshot(path=site["shots"] / f"logga-in-{size}.png", full_page=True)
        _log_in(page)
        for name, path in PAGES.items():
            page.goto(path)
            width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            assert width[0] <= width[1] + 1, f"{name} scrolls sideways at {size}: {width}"
            nav = page.get_by_role("navigation", name="Huvudmeny")
            for label in ("Översikt", "Granska", "Utlysningar", "Utskick", "Källor", "Mottagare"):
                expect(nav.get_by_role("link", name=label, exact=True)).to_be_in_viewport()
            page.screenshot(path=site["shots"] / f"{name}-{size}.png", full_page=True)
            page.screenshot(path=site["shots"] / f"{name}-{size}-forsta-skarmen.png")
        nav.get_by_role("link", name="Mottagare", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Mottagare")
    finally:
        page.context.close()
    assert watched.problems == []
