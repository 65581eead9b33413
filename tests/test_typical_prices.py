"""The typical-price table of the category model: what the relative-price keys and the low-price signal read."""

from __future__ import annotations

import numpy as np
import pytest

from tisguard.detect.lexicon import Lexicon
from tisguard.training.crossval import fold_model
from tisguard.training.train import Examples, Fitted, Source, build_examples, typical_prices


def rec(title, price, tis, regulated=True):
    return {"title": title, "price": price, "label": {"regulated": regulated, "tis": tis}}


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon.load()


def test_median_per_regulated_class_with_at_least_five_prices(lexicon):
    src = Source.from_records(
        "handwritten",
        [rec("พัดลม", p, "934") for p in (500, 700, 900, 1100, 5000)]
        + [rec("ปลั๊กพ่วง", p, "2432") for p in (300, 400, 500, 600)]  # four prices: no typical price
        + [rec("เคสมือถือ", p, None, regulated=False) for p in (50, 60, 70, 80, 90)]  # not regulated: none
        + [rec("พัดลม ไม่มีราคา", None, "934"), rec("พัดลม ฟรี", 0, "934")],  # no price, zero price: left out
        "test",
    )
    table = typical_prices([src], lexicon)
    assert table.get("934") == 900.0
    assert "2432" not in table and "none" not in table


def test_a_standard_reported_as_another_shares_its_typical_price(lexicon):
    alias = next((t for t in lexicon.standards if lexicon.reported(t) != t), None)
    if alias is None:
        pytest.skip("the lexicon has no standard reported as another")
    target = lexicon.reported(alias)
    src = Source.from_records("handwritten", [rec("x", p, alias) for p in (10, 20, 30, 40, 50)], "test")
    table = typical_prices([src], lexicon)
    assert table[target] == 30.0 and table[alias] == 30.0


def test_keys_and_the_cross_validated_engine_use_the_same_table(lexicon):
    src = Source.from_records(
        "handwritten", [rec("แอร์ 12000 BTU", p, "1529") for p in (9000, 10000, 11000, 12000, 13000)], "t"
    )
    table = typical_prices([src], lexicon)
    ex = build_examples([src], lexicon, table)
    assert ex.typical == table and any(k.startswith("\x00PR:R") for k in ex.keys[0])
    fitted = Fitted({"\x00PAD": 0}, ["1529", "none"], np.zeros((1, 2), np.float32), np.zeros(2, np.float32))
    assert fold_model(fitted, 1.0, 0, ex).typical_prices == table
    assert Examples().typical == {}
