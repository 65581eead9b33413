from __future__ import annotations

import pytest
from sqlalchemy import select

from helpers import cli, cli_json
from tisguard.tisno import TisNumber, parse_tis_number
from tisguard.tisno import licence_key, licence_parts
from tisguard.store.tables import standards


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
    assert r["added"] == 104 and r["rejected"] == 0
    again = cli_json("catalogue", "import")
    assert again == {"added": 0, "updated": 104, "rejected": 0}
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
