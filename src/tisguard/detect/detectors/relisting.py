"""Relisting: a listing that is a near-duplicate of one already confirmed as a violation or removed
under a notice, on any seller or platform (reworded title, same photos). And `duplicate_group`: the
near-duplicates among listings not yet confirmed, so an officer decides once for the group."""

from __future__ import annotations

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence

DECISION_TH = {"confirm": "ยืนยันการฝ่าฝืนแล้ว", "removed": "ถูกลบตามหนังสือแจ้งแล้ว"}
DECISION_EN = {"confirm": "confirmed as a violation", "removed": "removed under a notice"}


class RelistingDetector(Detector):
    name, version = "relisting", "1.0"
    emits = {"relisting": Signal(Group.CONTEXT, weight=1.5), "duplicate_group": Signal(Group.INFO)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        inv = getattr(ctx.ref, "investigation", None)
        if inv is None:
            return []
        out: list[Evidence] = []
        matches = inv.relisted_from(ctx.listing)
        if matches:
            m = matches[0]
            platform, listing_id = m.key
            photo = f", รูปเดียวกัน (ต่างกัน {m.image_distance} บิต)" if m.image_distance is not None else ""
            photo_en = f", same photo ({m.image_distance} bits apart)" if m.image_distance is not None else ""
            out.append(
                self.evidence(
                    "relisting",
                    "investigation",
                    f"ซ้ำกับประกาศ {platform} {listing_id} ที่{DECISION_TH.get(m.decision, m.decision)} "
                    f"(ข้อความคล้าย {m.text:.0%}{photo})",
                    f"near-duplicate of {platform} {listing_id}, {DECISION_EN.get(m.decision, m.decision)} "
                    f"(text {m.text:.0%} alike{photo_en})",
                    value={
                        "platform": platform,
                        "listing_id": listing_id,
                        "decision": m.decision,
                        "text_similarity": m.text,
                        "title_similarity": m.title,
                        "image_distance": m.image_distance,
                        "image_similarity": None if m.image_distance is None else round(1 - m.image_distance / 64, 3),
                        "others": [list(o.key) for o in matches[1:5]],
                    },
                    score=max(m.text, 0.0 if m.image_distance is None else 1 - m.image_distance / 64),
                )
            )
        group = inv.corpus.group_of(ctx.listing.key)
        if group is not None:
            out.append(
                self.evidence(
                    "duplicate_group",
                    "investigation",
                    f"ประกาศที่คล้ายกันมาก {len(group.members)} รายการ (กลุ่ม {group.gid}) ตัดสินได้พร้อมกัน",
                    f"{len(group.members)} near-duplicate listings (group {group.gid}): decide them together",
                    value={
                        "group": group.gid,
                        "size": len(group.members),
                        "members": [list(k) for k in group.members[:10]],
                    },
                )
            )
        return out
