"""The seller's network: other shops that share its contacts, a licence it does not fit, or its photos.
Shown with the evidence (and linked from the listing page); not scored."""

from __future__ import annotations

from tisguard.detect.context import ListingContext
from tisguard.detect.detectors.base import Detector, Group, Signal
from tisguard.detect.evidence import Evidence


class SellerNetworkDetector(Detector):
    name, version = "seller_network", "1.0"
    emits = {"seller_network": Signal(Group.INFO)}

    def detect(self, ctx: ListingContext) -> list[Evidence]:
        inv = getattr(ctx.ref, "investigation", None)
        if inv is None:
            return []
        seller = (ctx.listing.platform, ctx.listing.seller.id)
        net = inv.corpus.network_of(seller)
        if net is None:
            return []
        mine = [k for k in net.links if seller in k.sellers]
        kinds = sorted({k.kind for k in mine})
        return [
            self.evidence(
                "seller_network",
                "investigation",
                f"ผู้ขายอยู่ในเครือข่าย {net.nid} ร่วมกับผู้ขายอีก {len(net.sellers) - 1} ราย ({', '.join(kinds)})",
                f"seller is in network {net.nid} with {len(net.sellers) - 1} other sellers ({', '.join(kinds)})",
                value={
                    "network": net.nid,
                    "sellers": len(net.sellers),
                    "links": [{"kind": k.kind, "value": k.value, "sellers": len(k.sellers)} for k in mine[:10]],
                },
            )
        ]
