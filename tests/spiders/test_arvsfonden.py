"""Arvsfonden: the standing programme and the news that announce initiatives."""


def test_standing_programme_gives_one_standing_call_per_support_form(crawl_fixture):
    result = crawl_fixture("arvsfonden", ["/arvsfonden/ansok.html"], ["/arvsfonden/nyheter/"])
    standing = [c for c in result.calls if c.status == "standing"]
    assert [(c.id, c.title, c.deadline) for c in standing] == [
        ("arvsfonden:projektstöd", "Projektstöd", None),
        ("arvsfonden:lokalstöd", "Lokalstöd", None),
    ]
    assert standing[0].target_groups == ["Barn upp till 11 år", "Unga 12–25 år", "Äldre från 65 år"]
    assert standing[0].applicants == "Ideella föreningar och stiftelser."
    assert standing[0].regions == ["Nationell"]


def test_news_of_a_special_initiative_is_a_call_and_other_news_is_not(crawl_fixture):
    result = crawl_fixture("arvsfonden", ["/arvsfonden/ansok.html"], ["/arvsfonden/nyheter/"])
    news = [c for c in result.calls if c.status != "standing"]
    assert [(c.title, c.status, c.deadline, c.published_on) for c in news] == [
        ("Ny satsning: äldres psykiska hälsa", "open", "2027-02-15", "2026-09-30")
    ]
    assert result.spider.complete
