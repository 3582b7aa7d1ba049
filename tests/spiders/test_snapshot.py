"""Every spider reads the bundled snapshot as crawler/snapshot/README.md documents it: month 1
(today 2026-10-15) for every source, and the month-2 changes (today 2026-11-16)."""

import pytest

from crawler.config import load_sources

N = None
# (source, title): (status, opens_on, deadline, regions, budget_sek), from the snapshot README.
MONTH1 = {
    ("esf", "Vägar till arbete med stöd av peer support"): ("open", "2026-09-15", "2026-11-26", ["Småland och Öarna"], 40_000_000),
    ("esf", "Kompetensförsörjning i välfärden – kompetensutveckling för anställda med svag ställning"): ("open", "2026-08-25", "2026-11-19", ["Småland och Öarna"], 35_000_000),
    ("esf", "Social innovation: arbetsintegrerande sociala företag som väg till arbete"): ("open", "2026-09-01", "2026-12-03", ["Nationell"], 60_000_000),
    ("esf", "Minskad ekonomisk utsatthet för utrikesfödda kvinnor"): ("closed", "2026-05-04", "2026-09-03", ["Nationell"], 80_000_000),
    ("esf", "Ökad kapacitet i den glesa geografin"): ("open", "2026-09-07", "2026-12-08", ["Övre Norrland"], 25_000_000),
    ("esf", "Unga som varken arbetar eller studerar – Stockholm"): ("open", "2026-09-21", "2026-11-30", ["Stockholm"], 50_000_000),
    ("esf", "Livslångt lärande i små och medelstora företag"): ("closed", "2026-06-01", "2026-08-27", ["Sydsverige"], 30_000_000),
    ("esf", "Kompetenshöjning för omställning i industrin"): ("planned", "2027-01-15", "2027-03-18", ["Västsverige"], 45_000_000),
    ("esf", "Lärlingsmodeller som kombinerar arbete och studier"): ("planned", "2027-02-01", "2027-04-15", ["Småland och Öarna"], 30_000_000),
    ("tillvaxtverket", "Bredbandsutbyggnad på landsbygden 2027"): ("planned", "2027-01-13", N, ["Dalarna", "Gävleborg", "Värmland"], 310_000_000),
    ("tillvaxtverket", "Grön omställning i industrin – förstudier"): ("planned", "2026-11-02", N, ["Blekinge", "Skåne", "Kronoberg"], 57_700_000),
    ("tillvaxtverket", "Stärkt konkurrenskraft genom digitalisering i små och medelstora företag"): ("open", N, "2026-11-20", ["Jönköping", "Kronoberg", "Kalmar"], 42_000_000),
    ("tillvaxtverket", "Kompetensförsörjning och kompetensplattformar i Småland och öarna"): ("open", N, "2026-12-03", ["Kronoberg", "Jönköping", "Kalmar", "Gotland"], 26_000_000),
    ("tillvaxtverket", "Främja utrikesfödda kvinnors företagande"): ("open", N, "2026-12-10", ["Nationell"], 30_000_000),
    ("tillvaxtverket", "Kulturella och kreativa näringar – exportsatsning"): ("closed", N, "2026-09-30", ["Nationell"], 12_000_000),
    ("tillvaxtverket", "Innovationsmiljöer och smart specialisering i Sydsverige"): ("closed", N, "2026-09-02", ["Skåne", "Blekinge"], 64_000_000),
    ("tillvaxtverket", "Socialt företagande – stöd till arbetsintegrerande sociala företag"): ("closed", N, "2026-03-19", ["Nationell"], 18_000_000),
    ("amif", "Tidiga insatser för asylsökande"): ("planned", "2026-12-15", "2027-02-16", ["Nationell"], 120_000_000),
    ("amif", "Språk och samhällsorientering för nyanlända kvinnor"): ("planned", "2026-12-15", "2027-03-01", ["Nationell"], 362_000_000),
    ("amif", "Återvändande"): ("planned", "2027-02-01", "2027-03-15", ["Nationell"], 85_000_000),
    ("amif", "Förstudier – lokal samverkan för integration"): ("planned", "2027-05-01", N, ["Nationell"], 15_000_000),
    ("amif", "Driftstöd för mottagningssystemet"): ("planned", N, N, ["Nationell"], 40_000_000),
    ("amif", "Vägar till arbete och egen försörjning för tredjelandsmedborgare"): ("open", "2026-09-15", "2026-11-27", ["Nationell"], 210_000_000),
    ("arvsfonden", "Projektstöd"): ("standing", N, N, ["Nationell"], N),
    ("arvsfonden", "Lokalstöd"): ("standing", N, N, ["Nationell"], N),
    ("arvsfonden", "Ny satsning: projekt som stärker unga i riskmiljöer"): ("open", N, "2027-03-01", ["Nationell"], N),
    ("sf-varend", "Ansök om medel för samverkansinsatser 2027"): ("open", N, "2027-01-12", ["Kronoberg"], N),
    ("sf-varend", "Utlysning: peer support och arbetslivsinriktad rehabilitering"): ("open", N, "2026-11-30", ["Kronoberg"], 1_200_000),
    ("sf-varend", "Medel för kompetensutveckling för personal i samverkan"): ("standing", N, N, ["Kronoberg"], 100_000),
    ("sf-varend", "Styrelsen har beslutat om verksamhetsplan 2027"): ("unknown", N, N, ["Kronoberg"], N),
    ("mucf", "Bidrag för förebyggande arbete mot ungas utanförskap"): ("planned", "2027-01-02", "2027-02-15", ["Nationell"], 45_000_000),
    ("mucf", "Stödja ungas organisering"): ("open", "2026-10-01", "2026-11-23", ["Nationell"], 12_000_000),
    ("mucf", "Projektbidrag mot hedersrelaterat våld och förtryck"): ("open", "2026-09-15", "2026-11-30", ["Nationell"], 20_000_000),
    ("mucf", "Internationellt ungdomssamarbete"): ("closed", "2026-03-01", "2026-04-15", ["Nationell"], 8_000_000),
    ("bra", "Ekonomiskt stöd till lokalt brottsförebyggande arbete"): ("open", "2026-10-01", "2026-11-30", ["Nationell"], 8_000_000),
    ("bra", "Stöd till projekt som förebygger återfall i brott"): ("open", N, "2027-01-15", ["Nationell"], 15_000_000),
    ("bra", "Ekonomiskt stöd till brottsofferarbete"): ("closed", N, "2026-09-15", ["Nationell"], 26_000_000),
    ("skolverket", "Statsbidrag för lärlingsutbildning för vuxna"): ("planned", "2027-03-01", "2027-04-03", ["Nationell"], 370_000_000),
    ("skolverket", "Statsbidrag för regional yrkesinriktad vuxenutbildning"): ("open", "2026-10-12", "2026-11-23", ["Nationell"], 2_100_000_000),
    ("skolverket", "Statsbidrag för fortbildning i matematikdidaktik"): ("closed", "2026-02-01", "2026-03-02", ["Nationell"], 60_000_000),
    ("socialstyrelsen", "Statsbidrag till organisationer som stödjer personer med missbruk och psykisk ohälsa"): ("open", N, "2026-11-30", ["Nationell"], 48_000_000),
    ("socialstyrelsen", "Statsbidrag för förebyggande arbete i omställningen till den nya socialtjänstlagen"): ("open", N, "2026-12-04", ["Nationell"], 75_000_000),
    ("socialstyrelsen", "Statsbidrag till organisationer inom funktionshinderområdet"): ("closed", N, "2026-09-30", ["Nationell"], 190_000_000),
    ("lst-kronoberg", "Utlysning av §37a-medel 2027 – insatser för nyanlända och utrikesfödda"): ("open", N, "2026-12-04", ["Kronoberg"], 3_400_000),
    ("lst-kronoberg", "Medel för att förebygga mäns våld mot kvinnor 2027"): ("open", N, "2027-01-22", ["Kronoberg"], 1_800_000),
    ("lst-kronoberg", "Lokala naturvårdsprojekt (LONA) 2027"): ("open", N, "2027-02-01", ["Kronoberg"], N),
    ("region-kronoberg", "Särskild utlysning: kompetensförsörjning i kronobergska företag 2027"): ("open", N, "2027-01-31", ["Kronoberg"], 6_000_000),
    ("region-kronoberg", "Utlysning: klimatsmarta transporter i Kronoberg"): ("open", N, "2026-12-15", ["Kronoberg"], 4_000_000),
    ("region-kronoberg", "Regionala tillväxtmedel (1:1-medel)"): ("standing", N, N, ["Kronoberg"], N),
    ("esf-nyheter", "Kommande utlysningar i Småland och Öarna 2026–2027"): ("planned", "2026-11-01", N, ["Småland och Öarna"], N),
    ("esf-nyheter", "Nu kan ni söka stöd för peer support för långtidsarbetslösa"): ("open", N, "2026-11-26", ["Småland och Öarna"], 40_000_000),
    ("esf-nyheter", "ESF-rådet utlyser 60 miljoner kronor för social innovation"): ("open", N, "2026-12-03", ["Nationell"], 60_000_000),
}  # fmt: skip
SOURCE_IDS = [s.id for s in load_sources().sources]


@pytest.mark.parametrize("source_id", SOURCE_IDS)
def test_month1_snapshot_gives_the_documented_calls(crawl_snapshot, source_id):
    result = crawl_snapshot(source_id)
    assert not result.errors and result.spider.complete
    got = {
        (source_id, c.title): (c.status, c.opens_on, c.deadline, c.regions, c.budget_sek)
        for c in result.calls
    }
    expected = {key: value for key, value in MONTH1.items() if key[0] == source_id}
    assert got == expected


def test_month1_has_at_least_forty_calls_across_sources(crawl_snapshot):
    assert sum(len(crawl_snapshot(s).calls) for s in SOURCE_IDS) >= 40


def test_month2_moves_a_deadline_opens_a_call_drops_one_and_adds_two(crawl_snapshot):
    def by_id(source, month):
        return {c.id: c for c in crawl_snapshot(source, month).calls}

    esf1, esf2 = by_id("esf", "month1"), by_id("esf", "month2")
    tvv1, tvv2 = by_id("tillvaxtverket", "month1"), by_id("tillvaxtverket", "month2")
    assert (esf1["esf:2026/00412"].deadline, esf2["esf:2026/00412"].deadline) == (
        "2026-11-26", "2026-12-10",
    )  # fmt: skip
    assert set(esf1) - set(esf2) == {"esf:2026/00366"}
    assert set(esf2) - set(esf1) == {"esf:2026/00447"}
    new = esf2["esf:2026/00447"]
    assert (new.status, new.regions) == ("open", ["Småland och Öarna"])
    opened = [k for k in tvv1 if "gronomstallning" in k][0]
    assert (tvv1[opened].status, tvv2[opened].status, tvv2[opened].deadline) == (
        "planned", "open", "2027-01-15",
    )  # fmt: skip
    assert len(set(tvv2) - set(tvv1)) == 1 and not set(tvv1) - set(tvv2)
    assert crawl_snapshot("esf", "month2").spider.complete


def test_esf_clarifications_stay_out_of_the_summary(crawl_snapshot):
    call = next(c for c in crawl_snapshot("esf").calls if c.id == "esf:2026/00398")
    assert "Timanställda" not in call.summary
