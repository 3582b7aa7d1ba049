"""One call once: the demo snapshot's ESF news item "Nu kan ni söka stöd för peer support för
långtidsarbetslösa" announces the call page "Vägar till arbete med stöd av peer support"; the
digest tells it once, with both links (issue 11: the same call reached a digest twice)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from crawler.config.needs import Municipality, Need
from crawler.match.run import match_database
from crawler.model import Call
from crawler.store import save_calls
from digest.content import digest_content
from digest.digests import render_digest

from .conftest import PERIOD

NEWS_URL = "https://www.esf.se/nyheter/nu-kan-ni-soka-stod-for-peer-support/"
CALL_URL = "https://www.esf.se/utlysningar/vagar-till-arbete-med-stod-av-peer-support/"
MONTH1 = "2026-10-15T06:00:00+00:00"
MONTH2 = "2026-11-16T06:00:00+00:00"


def news_item() -> Call:
    return Call(
        id="esf-nyheter:/nyheter/nu-kan-ni-soka-stod-for-peer-support/",
        source="esf-nyheter",
        funder="Svenska ESF-rådet",
        title="Nu kan ni söka stöd för peer support för långtidsarbetslösa",
        url=NEWS_URL,
        programme="ESF+ 2021–2027",
        summary="I dag öppnar utlysningen Vägar till arbete med stöd av peer support i Småland"
        " och Öarna. Totalt finns 40 miljoner kronor att söka och utlysningen stänger den"
        " 26 november 2026.",
        status="open",
        deadline="2026-11-26",
        budget_sek=40_000_000,
        regions=["Småland och Öarna"],
        published_on="2026-09-15",
    )


def call_page(deadline: str) -> Call:
    return Call(
        id="esf:2026/00412",
        source="esf",
        funder="Svenska ESF-rådet",
        title="Vägar till arbete med stöd av peer support",
        url=CALL_URL,
        programme="ESF+ 2021–2027, programområde A2 Uppmuntra till aktiv inkludering",
        summary="Projekten ska stärka deltagarnas möjligheter att få ett arbete eller börja"
        " studera. Målgruppen är kvinnor och män som har varit arbetslösa i mer än tolv månader"
        " eller som har haft försörjningsstöd under lång tid.",
        status="open",
        opens_on="2026-09-15",
        deadline=deadline,
        budget_sek=40_000_000,
        regions=["Småland och Öarna"],
        applicants="Offentliga organisationer, ideella organisationer och företag kan söka.",
    )


def test_news_item_and_call_page_reach_the_digest_once_with_both_links(db, inventory, today):
    inventory = replace(
        inventory,
        needs=(
            Need(
                id="langtid",
                title="Långtidsarbetslösa",
                description="Peer support och vägar till arbete för långtidsarbetslösa.",
            ),
        ),
        municipalities=(Municipality(name="Växjö", county="Kronoberg", needs=("langtid",)),),
    )
    # Month 1: the news and the call page say 26 November; month 2 the funder moves the call
    # page's deadline to 10 December and the news item stays as it was written.
    save_calls(db, "esf", [call_page("2026-11-26")], seen_at=MONTH1)
    save_calls(db, "esf-nyheter", [news_item()], seen_at=MONTH1)
    save_calls(db, "esf", [call_page("2026-12-10")], seen_at=MONTH2)
    save_calls(db, "esf-nyheter", [news_item()], seen_at=MONTH2)

    run = match_database(db, inventory, all_calls=True, today=date(2026, 11, 16))
    assert {m.call_id for m in run.matches} == {"esf:2026/00412"}

    content = digest_content(db, "Växjö", PERIOD, today=today, include_pending=True)
    told = [i.call.id for i in content.new + content.changed + content.other]
    assert told == ["esf:2026/00412"]
    assert content.new[0].related == [("Nyhet om utlysningen", NEWS_URL)]

    html, text = render_digest(
        content, inventory=inventory, recipient="a@example.se", unsubscribe=None, pending_shown=True
    )
    # once among the new calls (the deadline reminders list it again, as they list every call)
    assert text.count("* Vägar till arbete med stöd av peer support [EJ GRANSKAD]\n") == 1
    assert "Nu kan ni söka stöd" not in text
    assert f"Nyhet om utlysningen: {NEWS_URL}" in text
    assert f'<a href="{NEWS_URL}"' in html and f'<a href="{CALL_URL}"' in html


def test_a_call_matched_before_it_was_grouped_is_still_told_once(db, inventory, today):
    """Matches stored by an earlier version (one per page) are shown once, the call page's."""
    from .conftest import add_match

    save_calls(db, "esf", [call_page("2026-11-26")], seen_at=MONTH2)
    save_calls(db, "esf-nyheter", [news_item()], seen_at=MONTH2)
    add_match(db, news_item().id, "Växjö", "approved")
    add_match(db, "esf:2026/00412", "Växjö", "pending")
    content = digest_content(db, "Växjö", PERIOD, today=today, include_pending=True)
    assert [i.call.id for i in content.new + content.changed + content.other] == ["esf:2026/00412"]


def test_the_newsletter_lists_a_news_item_and_its_call_page_once(db, inventory):
    from digest.newsletter import newsletter_content

    save_calls(db, "esf", [call_page("2026-11-26")], seen_at=MONTH2)
    save_calls(db, "esf-nyheter", [news_item()], seen_at=MONTH2)
    content = newsletter_content(db, inventory, PERIOD, today=date(2026, 11, 16))
    listed = [i.call.id for _, items in content.by_funder for i in items]
    assert listed == ["esf:2026/00412"]
    assert content.by_funder[0][1][0].related == [("Nyhet om utlysningen", NEWS_URL)]
    assert [i.call.id for i in content.deadlines] == ["esf:2026/00412"]
