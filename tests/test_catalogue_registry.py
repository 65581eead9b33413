from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from helpers import ROOT, cli, cli_json
from tisguard.store.tables import standards
from tisguard.tisno import TisNumber, licence_key, licence_parts, parse_tis_number


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2432", TisNumber(2432)),
        ("685 เล่ม 1", TisNumber(685, "1")),
        ("60335 เล่ม 2(32)", TisNumber(60335, "2(32)")),
        ("60335 เล่ม 2 (32)", TisNumber(60335, "2(32)")),
        ("๒๔๓๒", TisNumber(2432)),
        ("11 part 3", TisNumber(11, "3")),
    ],
)
def test_parse_tis_number(text, expected):
    assert parse_tis_number(text) == expected


@pytest.mark.parametrize("bad", ["", "abc", "2432-2555", "เล่ม 1"])
def test_parse_tis_number_rejects(bad):
    with pytest.raises(ValueError, match="not a TIS number"):
        parse_tis_number(bad)


@pytest.mark.parametrize(
    "a,b",
    [
        ("ท 1234-5/2432", "ท1234-5/2432"),
        ("(ท)1234-5/2432", "ท1234-5/2432"),
        ("ท๑๒๓๔-๕/๒๔๓๒", "ท1234-5/2432"),
        ("ท1234 – 5 / 2432", "ท1234-5/2432"),
        ("ท\u200b1234-5/2432", "ท1234-5/2432"),
    ],
)
def test_licence_key_equivalences(a, b):
    assert licence_key(a) == licence_key(b)


@pytest.mark.parametrize(
    "a,b", [("ท1234-5/2432", "น1234-5/2432"), ("ท1234-5/2432", "ท1234-6/2432"), ("ท1234-5/2432", "ท12345/2432")]
)
def test_licence_key_differences(a, b):
    assert licence_key(a) != licence_key(b)


def test_licence_parts():
    assert licence_parts("นค 12-3/685 เล่ม 1") == {"type": "นค", "running": "12", "sub": "3", "tis": "685 เล่ม 1"}
    assert licence_parts("hello") is None


def test_catalogue_import_editions_and_admin(db):
    r = cli_json("catalogue", "import")
    assert r["added"] == len(CATALOGUE_SOURCES) + 67 and r["rejected"] == 0  # 67 editions only the statistics name
    again = cli_json("catalogue", "import")
    assert (again["added"], again["updated"], again["rejected"]) == (0, len(CATALOGUE_SOURCES), 0)
    with db.connect() as c:
        eds = {r.year_be: r.status for r in c.execute(select(standards).where(standards.c.tis_number == "20"))}
        src = c.execute(select(standards.c.source).where(standards.c.tis_number == "2432")).scalar_one()
    assert eds == {2527: "superseded", 2543: "superseded", 2559: "active"}
    assert src.startswith("[TISI]")
    assert cli("catalogue", "add", "9999", "2569", "--name-th", "ทดสอบ", "--source", "").exit_code == 2
    assert (
        cli("catalogue", "add", "9999", "2569", "--name-th", "ทดสอบ", "--source", "https://example.invalid/x").exit_code
        == 0
    )
    assert cli("catalogue", "retire", "20", "2559").exit_code == 0
    with db.connect() as c:
        eds = {r.year_be: r.status for r in c.execute(select(standards).where(standards.c.tis_number == "20"))}
    assert eds[2559] == "retired" and eds[2543] == "active"
    assert cli("catalogue", "retire", "4242", "2500").exit_code == 2


def test_catalogue_rejects_bad_rows(tmp_path, db):
    p = tmp_path / "cat.csv"
    p.write_text(
        "tis_number,year_be,name_th,name_en,source\n2432,2555,ปลั๊ก,,[TISI] x\nabc,2555,x,,s\n166,99,x,,s\n167,2549,x,,\n",
        encoding="utf-8",
    )
    r = cli("catalogue", "import", p, "--json")
    assert r.exit_code == 0
    assert (
        "row 3 field tis_number" in r.output and "row 4 field year_be" in r.output and "row 5 field source" in r.output
    )


def test_registry_import_and_lookup(tmp_path, db):
    p = tmp_path / "reg.csv"
    p.write_text(
        "licence_no,licence_type,tis_number,tis_year,licensee,licensee_juristic_id,brands,status,issued_on\n"
        "ท1234-5/2432,ท,2432,2555,บริษัท สยามปลั๊ก จำกัด,0105551234567,PlugOn;SafePlug,active,2020-01-15\n"
        "น77-1/2879,น,2879,2560,Siam Power Co.. Ltd.,,Powermax,suspended,2021-02-01\n"
        "ท1-1/2432,ท,2432,2555,x,,,expired,2020-01-01\n"
        "ท2-1/2432,ท,2432,2555,y,123,,active,2020-01-01\n",
        encoding="utf-8",
    )
    r = cli("registry", "import", p, "--json")
    assert r.exit_code == 0
    assert "row 4 field status" in r.output and "row 5 field licensee_juristic_id" in r.output
    assert cli("registry", "lookup", "ท ๑๒๓๔-๕/๒๔๓๒").exit_code == 0
    assert "PlugOn" in cli("registry", "lookup", "plugon", "--by", "brand").output
    assert "Siam Power" in cli("registry", "lookup", "บริษัท Siam Power จำกัด", "--by", "licensee").output
    assert cli("registry", "lookup", "ท9-9/2432").exit_code == 1


# ---------------------------------------------------------------- TISI licence statistics (open data)

STATS_CSV = ROOT / "src" / "tisguard" / "data" / "tisi_licence_stats_2025_11.csv"
CATALOGUE_CSV = ROOT / "src" / "tisguard" / "data" / "tisi_mandatory_standards.csv"


def _raw_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


STATS_ROWS = _raw_rows(STATS_CSV)
# The transcribed catalogue's sources, keyed as the CSV writes them ('685 เล่ม 1', 2562).
CATALOGUE_SOURCES = {(r["tis_number"], int(r["year_be"])): r["source"] for r in _raw_rows(CATALOGUE_CSV)}


def _key(raw: dict) -> tuple[str, int]:
    """The file writes numbers the way the catalogue does ('685 เล่ม 1-2562'): split off the year only."""
    number, year = raw["เลขที่ มอก."].rsplit("-", 1)
    return number, int(year)


@pytest.mark.parametrize(
    "text,tis,year",
    [
        ("685 เล่ม 1-2562", "685 เล่ม 1", 2562),
        ("60335 เล่ม 2(7)-2567", "60335 เล่ม 2(7)", 2567),
        ("60335 เล่ม 2(65)-2564", "60335 เล่ม 2(65)", 2564),
        ("60335 เล่ม 2 (65) - 2564", "60335 เล่ม 2(65)", 2564),
        ("11 เล่ม 101-2559", "11 เล่ม 101", 2559),
        ("3000 เล่ม 4-2563", "3000 เล่ม 4", 2563),
        ("1436 เล่ม 3-2564", "1436 เล่ม 3", 2564),
        ("2166-2548", "2166", 2548),
        ("๖๘๕ เล่ม ๑-๒๕๖๒", "685 เล่ม 1", 2562),
    ],
)
def test_parse_edition_multi_part(text, tis, year):
    from tisguard.catalogue.licence_stats import parse_edition

    assert parse_edition(text) == (tis, year)


@pytest.mark.parametrize("bad", ["685 เล่ม 1", "เล่ม 1-2562", "685-62", "", "abc-2562", "685 เล่ม-2562"])
def test_parse_edition_rejects(bad):
    from tisguard.catalogue.licence_stats import parse_edition

    with pytest.raises(ValueError):
        parse_edition(bad)


def test_stats_file_has_every_mandatory_row():
    assert len(STATS_ROWS) == 149
    assert {r["ประเภทมาตรฐาน"] for r in STATS_ROWS} == {"บังคับ"}
    assert len({_key(r) for r in STATS_ROWS}) == 149


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stats_store(request, tmp_path_factory):
    """A store with the packaged catalogue and the packaged licence statistics imported, once per backend:
    (import result, {(tis, year): standards row}, licence-count index)."""
    from conftest import PG_URL, _fresh_pg_url
    from tisguard.catalogue.licence_stats import licence_stats
    from tisguard.catalogue.store import import_packaged
    from tisguard.store.db import get_engine, migrate

    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("TISGUARD_TEST_PG_URL not set")
        url = _fresh_pg_url()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('stats') / 'store.db'}"
    engine = get_engine(url)
    migrate(engine)
    result, errors = import_packaged(engine)
    assert errors == []
    with engine.connect() as c:
        rows = {(r.tis_number, r.year_be): r for r in c.execute(select(standards))}
    again, _ = import_packaged(engine)
    engine.dispose()
    return result, again, rows, licence_stats(None)


def test_stats_import_counts(stats_store):
    result, again, rows, _ = stats_store
    new = [k for k in map(_key, STATS_ROWS) if k not in CATALOGUE_SOURCES]
    assert result["added"] == len(CATALOGUE_SOURCES) + len(new)
    assert result["kept"] == len(STATS_ROWS) - len(new)  # editions the catalogue had keep their source
    assert len(rows) == result["added"]
    assert again["added"] == 0 and again["updated"] == len(CATALOGUE_SOURCES) and again["kept"] == len(STATS_ROWS)


@pytest.mark.parametrize("raw", STATS_ROWS, ids=lambda r: r["เลขที่ มอก."])
def test_every_mandatory_standard_imported(stats_store, raw):
    _, _, rows, counts = stats_store
    tis, year = _key(raw)
    row = rows[(tis, year)]  # present, under the number the catalogue writes (multi-part kept whole)
    assert (row.number, row.part) == (int(tis.split()[0]), tis.split(" ", 2)[2] if " " in tis else None)
    if (tis, year) in CATALOGUE_SOURCES:
        assert row.source == CATALOGUE_SOURCES[(tis, year)]  # the existing row keeps its own source
    else:
        assert row.source.startswith("[TISI open data] Source: Thai Industrial Standards Institute (TISI)")
        assert row.source.endswith(f"; ลำดับ {raw['ลำดับ']}") and "CC BY 4.0" in row.source
        assert (row.name_th, row.name_en) == (raw["ชื่อ มอก. ภาษาไทย"], raw["ชื่อ มอก. ภาษาอังกฤษ"])
    st = counts.edition(tis, year)
    assert (st.make_licences, st.import_licences, st.display_licences, st.total_licences) == (
        int(raw["จำนวนใบอนุญาตทำ"]),
        int(raw["จำนวนใบอนุญาตนำเข้า"]),
        int(raw["จำนวนใบอนุญาตแสดง"]),
        int(raw["จำนวนใบอนุญาตทั้งหมด"]),
    )
    assert (st.make_licensees, st.import_licensees) == (
        int(raw["จำนวนผู้ประกอบการทำ"]),
        int(raw["จำนวนผู้ประกอบการนำเข้า"]),
    )


def test_older_edition_from_stats_is_superseded(stats_store):
    """The statistics name 1479-2558 while the catalogue has 1479-2566: both kept, the newer one current."""
    _, _, rows, _ = stats_store
    assert rows[("1479", 2558)].status == "superseded" and rows[("1479", 2566)].status == "active"
    assert rows[("50", 2565)].status == "active" and rows[("50", 2561)].status == "superseded"


def test_store_less_catalogue_has_every_mandatory_standard():
    from tisguard.catalogue.store import catalogue_from_csv

    cat = catalogue_from_csv()
    for raw in STATS_ROWS:
        tis, year = _key(raw)
        assert cat.edition(tis, year) is not None, raw["เลขที่ มอก."]
        assert cat.has(tis)


@pytest.mark.parametrize(
    "edit,row,field",
    [
        (("1,1955-2551,", "1,1955-25x1,"), 2, "เลขที่ มอก."),
        ((",890,219,", ",8x0,219,"), 2, "จำนวนใบอนุญาตทำ"),
        ((",0,0,5609", ",0,0,5610"), 2, "จำนวนใบอนุญาตทั้งหมด"),
        ((",บริภัณฑ์ส่องสว่างและบริภัณฑ์ที่คล้ายกัน : ขีดจำกัดสัญญาณรบกวนวิทยุ,", ",,"), 2, "ชื่อ มอก. ภาษาไทย"),
    ],
)
def test_stats_rejects_bad_rows(tmp_path, edit, row, field):
    from tisguard.catalogue.licence_stats import read_licence_stats_csv

    text = STATS_CSV.read_text(encoding="utf-8")
    p = tmp_path / "tisi_licence_stats_2025_12.csv"
    p.write_text(text.replace(*edit, 1), encoding="utf-8")
    rows, errors = read_licence_stats_csv(p)
    assert [(e["row"], e["field"]) for e in errors] == [(row, field)]
    assert len(rows) == 148
    assert rows[0].source.startswith("[TISI open data] Source: Thai Industrial Standards Institute (TISI), licence")
    assert "December 2025" in rows[0].source


def test_stats_file_needs_an_attribution(tmp_path, db):
    p = tmp_path / "stats.csv"
    p.write_bytes(STATS_CSV.read_bytes())
    r = cli("catalogue", "import", p, "--json")
    assert "field source" in r.output
    ok = cli_json("catalogue", "import", p, "--source", "Source: TISI, licence statistics, test copy, CC BY 4.0")
    assert ok["added"] == len(STATS_ROWS) and ok["general_skipped"] == 0
    listed = cli_json("catalogue", "list")
    assert listed["licence_counts_source"] == "Source: TISI, licence statistics, test copy, CC BY 4.0"
    totals = {(s["tis_number"], s["year_be"]): s["total_licences"] for s in listed["standards"]}
    assert all(totals[_key(raw)] == int(raw["จำนวนใบอนุญาตทั้งหมด"]) for raw in STATS_ROWS)


def test_general_standards_are_not_imported(tmp_path, db):
    header, first, second = STATS_CSV.read_text(encoding="utf-8").splitlines()[:3]
    p = tmp_path / "tisi_licence_stats_2025_11.csv"
    p.write_text("\n".join([header, first, second.replace(",บังคับ,", ",ทั่วไป,")]) + "\n", encoding="utf-8")
    r = cli_json("catalogue", "import", p)
    assert (r["added"], r["general_skipped"], r["rejected"]) == (1, 1, 0)


def _admin_counts(html: str) -> dict[tuple[str, int], int]:
    """(tis, year) -> total licences as the admin catalogue table shows it."""
    out = {}
    for m in re.finditer(
        r"<tr><td>([^<]+)</td><td>(\d{4})</td>.*?<td class=\"small licence-counts\">(?:<b>([\d,]+)</b>)?", html, re.S
    ):
        if m.group(3):
            out[(m.group(1), int(m.group(2)))] = int(m.group(3).replace(",", ""))
    return out


def test_licence_counts_shown_to_officers(web):
    from webfixtures import sign_in

    client = web[0]
    sign_in(client, "admin", "admin-pass-123")
    page = client.get("/admin").text
    shown = _admin_counts(page)
    assert shown == {_key(raw): int(raw["จำนวนใบอนุญาตทั้งหมด"]) for raw in STATS_ROWS}
    assert "licence statistics, November 2025, CC BY 4.0" in page.split('id="licence-counts-source"')[1][:300]
    # the standard on a listing page carries the counts of that standard
    totals = {}
    for raw in STATS_ROWS:
        totals.setdefault(_key(raw)[0], []).append(int(raw["จำนวนใบอนุญาตทั้งหมด"]))
    items = client.get("/api/v1/queue").json()["items"]
    with_counts = [i for i in items if i["tis"] in totals]
    without = [i for i in items if i["tis"] not in totals]
    assert with_counts, "no flagged listing under a standard with licence counts"
    for item in with_counts[:3]:
        block = client.get(f"/listings/{item['id']}").text.split('id="standard-licences"')[1][:600]
        assert f"<b>{totals[item['tis']][0]:,}</b>" in block and "CC BY 4.0" in block
    for item in without[:1]:
        assert 'id="standard-licences"' not in client.get(f"/listings/{item['id']}").text


# ---------------------------------------------------------------- the lexicon as data (src/tisguard/data/lexicon.json)

LEXICON_JSON = ROOT / "src" / "tisguard" / "data" / "lexicon.json"


@pytest.fixture(scope="module")
def lexicon():
    """lexicon.json alone (the model's own product_terms.json is not part of this data)."""
    import json

    from tisguard.detect.lexicon import Lexicon

    return Lexicon(json.loads(LEXICON_JSON.read_text(encoding="utf-8")))


def test_lexicon_covers_the_catalogue(lexicon):
    from tisguard.catalogue.store import catalogue_from_csv

    cat = {e.tis_number for e in catalogue_from_csv().editions}
    no_terms = lexicon.data["no_terms"]
    assert set(lexicon.standards) <= cat and set(no_terms) <= cat
    for tis in sorted(cat):
        termed = bool(lexicon.standards.get(tis, {}).get("terms"))
        assert termed != (tis in no_terms), f"{tis}: needs terms or a reason in no_terms, not both"
        assert tis not in no_terms or len(no_terms[tis]) > 20


def test_lexicon_relations_are_consistent(lexicon):
    for tis, spec in lexicon.standards.items():
        for other in spec.get("related", []):
            assert tis in lexicon.standards[other].get("related", []), f"{tis} -> {other} is one-way"
        if "report_as" in spec:
            target = spec["report_as"]
            assert target in spec["related"] and lexicon.standards[target]["terms"], tis
            assert not spec.get("terms"), f"{tis} reports as {target} but has terms of its own"


def test_lexicon_entries_are_normalised(lexicon):
    from tisguard.detect.text import normalize

    entries = [t for s in lexicon.standards.values() for k in ("terms", "exclude") for t in s.get(k, [])]
    entries += lexicon.data["generic_accessory"]
    assert [t for t in entries if normalize(t).text != t] == []


@pytest.mark.parametrize(
    "title,reported,accepted",
    [
        ("แอร์ติดผนัง inverter 12000 btu", "1529", {"1529", "2134"}),
        ("ตู้เย็น 2 ประตู 7.4 คิว", "2214", {"2214", "2186"}),
        ("เครื่องซักผ้าฝาบน 10 กก", "60335 เล่ม 2(7)", {"60335 เล่ม 2(7)", "1463", "1462", "1389"}),
        ("ยางรถยนต์ ขอบ 15 185/65r15", "2718", {"2718", "2721"}),
        ("ยางรถบรรทุก 11r22.5", "2719", {"2719", "2721"}),
        ("ยางนอกมอเตอร์ไซค์ ขอบ 17", "2720", {"2720"}),
        ("บัลลาสต์ 36w", "23", {"23", "2337"}),
        ("หม้อทอดไร้น้ำมัน 5 ลิตร", "1641", {"1641", "60335 เล่ม 2(13)"}),
        ("ไดร์เป่าผม 2000w", "1985", {"1985", "60335 เล่ม 2(23)"}),
        ("กระจกบังลมหน้ารถ", "2602", {"2602", "196", "197", "198"}),
    ],
)
def test_co_applicable_standards(lexicon, title, reported, accepted):
    """The product's terms name one standard (the safety one); a licence under any co-applicable one fits."""
    from tisguard.detect.text import normalize

    terms = {h.tis for h in lexicon.scan(f" {normalize(title).text} ") if h.kind == "term"}
    assert terms == {reported}
    assert lexicon.related(reported) == accepted
    for tis in accepted - {reported}:
        assert lexicon.standards[tis].get("report_as", reported) == reported


@pytest.mark.parametrize("a,b", [("2432", "166"), ("909", "2425"), ("2720", "2721"), ("2718", "2719")])
def test_different_products_are_not_related(lexicon, a, b):
    assert b not in lexicon.related(a) and a not in lexicon.related(b)


@pytest.mark.parametrize(
    "title,tis",
    [
        ("ลูกบอลเด้ง ยางใส 5 ชิ้น", "685 เล่ม 1"),
        ("ลูกข่างไม้ ของเล่นพื้นบ้าน", "685 เล่ม 1"),
        ("ของเล่นเขย่าไม้ สำหรับเด็กเล็ก", "685 เล่ม 1"),
        ("แบตมือถือ ใช้กับ samsung a10", "2217"),
        ("กระจกบังลมหน้า โตโยต้า วีโก้", "2602"),
        ("แก้วน้ำ san ใส 300 มล", "655 เล่ม 3"),
        ("จานอะคริลิค pmma ใส่อาหาร", "655 เล่ม 2"),
        ("ท่อไอเสียมอเตอร์ไซค์ ท่อผ่า ไม่มี มอก.", "341"),
        ("หม้อหุงข้าวไฟฟ้า 1.8 ลิตร", "1039"),
        ("เครื่องฟอกอากาศ hepa 40 ตรม", "60335 เล่ม 2(65)"),
        ("ตู้กดน้ำร้อนน้ำเย็น 2 ก๊อก", "2461"),
        ("ตู้คอนซูมเมอร์ยูนิต 6 ช่อง", "1436 เล่ม 3"),
        ("จุกหลอกเด็ก ซิลิโคน", "1025"),
        ("ฟิล์มยืดห่ออาหาร 30 ซม", "1136"),
        ("ถังดับเพลิงผงเคมีแห้ง 15 ปอนด์", "332"),
        ("ชักโครกแบบชิ้นเดียว", "792"),
        ("สับปะรดกระป๋อง 20 ออนซ์", "51"),
        ("ยางมอเตอร์ไซค์ 80/90-17", "2720"),
    ],
)
def test_lexicon_names_products_it_lacked(lexicon, title, tis):
    from tisguard.detect.text import normalize

    assert tis in {h.tis for h in lexicon.scan(f" {normalize(title).text} ") if h.kind == "term"}


@pytest.mark.parametrize(
    "title",
    [
        "ฝาครอบพัดลม ตะแกรงหน้า 16 นิ้ว",
        "ลูกบอลซักผ้า สำหรับเครื่องซักผ้า",
        "ที่ดับกลิ่นตู้เย็น ถ่านไม้ไผ่",
        "ถุงล้างแอร์ ผ้าใบล้างแอร์",
        "ตู้ลูกชิ้น สแตนเลส 3 ชั้น",
        "ตัวล็อคตู้เย็น กันเด็กเปิด",
        "หนังสือ มาตรฐานผลิตภัณฑ์อุตสาหกรรม มอก. 166",
        "ของเล่นแมว ลูกบอลขนนก",
        "ไส้กรองเครื่องฟอกอากาศ hepa",
        "ฟิล์มกระจกนิรภัย iphone 15",
        "กระติกน้ำร้อนสุญญากาศ 1 ลิตร",
        "กาต้มน้ำนกหวีด สแตนเลส",
        "ตลับหมึก canon 810",
        "กล่องข้าวสแตนเลส 2 ชั้น",
    ],
)
def test_lexicon_marks_what_is_not_the_head_product(lexicon, title):
    from tisguard.detect.text import normalize

    assert any(h.kind in ("exclude", "accessory") for h in lexicon.scan(f" {normalize(title).text} "))
