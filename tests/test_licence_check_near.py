"""The text path's "licence not in the registry" finding names a registry licence one digit away (issue 11,
`registry.near`): a typo is likelier than an unregistered licence, so the officer is told to check the text.
The finding itself (its signal, and so the verdict) does not change."""

from __future__ import annotations

from tisguard.spec.listing import Listing
from tisguard.tisno import licence_parts


def _not_found(engine, number: str):
    a = engine.assess(
        Listing.model_validate(
            {
                "platform": "other",
                "listing_id": "near-1",
                "title": "ปลั๊กพ่วง",
                "description": f"ใบอนุญาตเลขที่ {number}",
                "seller": {"id": "s1"},
            }
        )
    )
    return a, [e for e in a.evidence if e.signal == "licence_not_found"]


def test_not_in_registry_names_the_licence_one_digit_away(engine):
    from tisguard.registry.near import near_licences

    registry = engine.ref.registry
    for lic in registry.licences:
        p = licence_parts(lic.licence_no)
        if p is None:
            continue
        last = str(int(p["running"]))
        typo = f"{p['type'] or ''}{last[:-1]}{(int(last[-1]) + 1) % 10}-{int(p['sub'])}/{p['tis']}"
        near = near_licences(registry, typo)
        if registry.by_number(typo) is not None or [l.licence_no for l in near] != [lic.licence_no]:
            continue
        a, found = _not_found(engine, typo)
        assert len(found) == 1
        assert lic.licence_no in found[0].reason_th and "ตรวจสอบ" in found[0].reason_th
        assert lic.licence_no in found[0].reason_en and "check the text" in found[0].reason_en
        assert found[0].value["near_licences"] == [lic.licence_no]
        # a number far from every registry licence gets the plain finding, and the same verdict
        far = f"{p['type'] or ''}9{last}9-{int(p['sub'])}/{p['tis']}"
        if registry.by_number(far) is None and not near_licences(registry, far):
            b, plain = _not_found(engine, far)
            assert len(plain) == 1 and "near_licences" not in plain[0].value
            assert "ตรวจสอบ" not in plain[0].reason_th and b.verdict == a.verdict
        return
    raise AssertionError("the dev registry has no licence with a one-digit typo near only it")
