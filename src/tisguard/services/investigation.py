"""Investigation views for officers and the CLI: seller networks, licences shown by unrelated sellers,
near-duplicate groups, relisting pairs and recall matches; and acting on a whole group at once
(one decision for a near-duplicate group, notices for a whole network)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, tuple_

from tisguard.detect.investigation.corpus import Network
from tisguard.detect.investigation.index import InvestigationIndex
from tisguard.services.errors import FieldError
from tisguard.store.investigation import bad_listings, listing_summaries
from tisguard.store.listing_keys import listing_pks
from tisguard.store.tables import listings, sellers

SellerKey = tuple[str, str]


def store_index(db: Engine) -> InvestigationIndex:
    """The corpus of the store alone (no recalls, no model): what the CLI's `networks` reads."""
    from tisguard.detect.investigation.corpus import EmbeddedCorpus
    from tisguard.detect.investigation.fingerprint import DEFAULT_PARAMS
    from tisguard.pipeline.investigation import store_name, sync
    from tisguard.registry.store import load_registry

    idx = InvestigationIndex(EmbeddedCorpus(load_registry(db), DEFAULT_PARAMS))
    idx.synced["store"] = store_name(db)
    sync(db, idx)
    return idx


def live_index(state) -> InvestigationIndex:
    """The web app's index, caught up with the store (other processes ingest too)."""
    from tisguard.pipeline.investigation import bound_to, sync

    idx = getattr(state.engine.ref, "investigation", None)
    if idx is None or not bound_to(idx, state.db):
        return store_index(state.db)
    sync(state.db, idx)
    return idx


def _seller_rows(db: Engine, keys: list[SellerKey]) -> dict[SellerKey, dict]:
    if not keys:
        return {}
    with db.connect() as conn:
        rows = conn.execute(
            select(
                sellers.c.id,
                sellers.c.platform,
                sellers.c.seller_id,
                sellers.c.name,
                sellers.c.country,
                func.count(listings.c.id).label("n"),
            )
            .outerjoin(listings, listings.c.seller_pk == sellers.c.id)
            .where(tuple_(sellers.c.platform, sellers.c.seller_id).in_(keys))
            .group_by(sellers.c.id, sellers.c.platform, sellers.c.seller_id, sellers.c.name, sellers.c.country)
        ).all()
    return {(r.platform, r.seller_id): dict(r._mapping) for r in rows}


def _seller_listing_keys(db: Engine, keys: list[SellerKey]) -> list[tuple[str, str, str, str]]:
    """(platform, listing_id, seller platform, seller id) of every listing of these sellers."""
    if not keys:
        return []
    with db.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(listings.c.platform, listings.c.listing_id, sellers.c.platform, sellers.c.seller_id)
                .join(sellers, sellers.c.id == listings.c.seller_pk)
                .where(tuple_(sellers.c.platform, sellers.c.seller_id).in_(keys))
            )
        ]


def network_dict(db: Engine, net: Network, bad: dict | None = None) -> dict:
    """A network as `tisguard networks --json` prints it (and the pages show it)."""
    bad = bad_listings(db) if bad is None else bad
    info = _seller_rows(db, list(net.sellers))
    own = _seller_listing_keys(db, list(net.sellers))
    return {
        "id": net.nid,
        "sellers": [{"platform": p, "seller_id": s, "name": info.get((p, s), {}).get("name")} for p, s in net.sellers],
        "platforms": sorted({p for p, _ in net.sellers}),
        "listings": len(own),
        "violations": sum(1 for p, lid, *_ in own if (p, lid) in bad),
        "links": [
            {"kind": l.kind, "value": l.value, "sellers": [{"platform": p, "seller_id": s} for p, s in l.sellers]}
            for l in net.links
        ],
    }


def networks_report(db: Engine, idx: InvestigationIndex) -> dict:
    bad = bad_listings(db)
    nets = [network_dict(db, n, bad) for n in idx.corpus.all_networks()]
    nets.sort(key=lambda n: (-n["violations"], -len(n["sellers"]), n["id"]))
    return {"networks": nets}


def find_network(idx: InvestigationIndex, nid: str) -> Network | None:
    return next((n for n in idx.corpus.all_networks() if n.nid == nid), None)


def network_page(db: Engine, idx: InvestigationIndex, nid: str) -> dict | None:
    net = find_network(idx, nid)
    if net is None:
        return None
    out = network_dict(db, net)
    keys = [(p, lid) for p, lid, *_ in _seller_listing_keys(db, list(net.sellers))]
    summaries = listing_summaries(db, keys)
    out["listing_rows"] = sorted(summaries.values(), key=lambda r: (r["verdict"] is None, -(r["risk"] or 0), r["id"]))
    return out


def seller_network_id(idx: InvestigationIndex | None, platform: str, seller_id: str) -> str | None:
    if idx is None:
        return None
    net = idx.corpus.network_of((platform, seller_id))
    return net.nid if net else None


def draft_network_notices(db: Engine, idx: InvestigationIndex, nid: str, actor: str, legal_basis: str | None) -> dict:
    """Draft one notice per platform with every confirmed listing of the network's sellers that is in no
    notice yet (through the notices service, so its checks and audit apply)."""
    from tisguard.services import notices as notice_svc

    net = find_network(idx, nid)
    if net is None:
        raise LookupError(nid)
    mine = {(p, lid) for p, lid, *_ in _seller_listing_keys(db, list(net.sellers))}
    by_platform: dict[str, list[int]] = {}
    for row in notice_svc.confirmed_without_notice(db):
        if (row["platform"], row["listing_id"]) in mine:
            by_platform.setdefault(row["platform"], []).append(row["id"])
    if not by_platform:
        raise FieldError("network", "no confirmed listing of this network is waiting for a notice")
    return {p: notice_svc.create_notice(db, p, pks, actor, legal_basis) for p, pks in sorted(by_platform.items())}


def licences_report(idx: InvestigationIndex, registry=None, min_sellers: int = 2) -> list[dict]:
    """Licences by number of unrelated sellers showing them (most first)."""
    out = []
    for u in idx.corpus.all_licences():
        if len(u.sellers) < min_sellers:
            continue
        lic = registry.by_number(u.licence_no) if registry is not None else None
        out.append(
            {
                "licence": u.licence_no,
                "licence_key": u.licence_key,
                "licensee": u.licensee,
                "status": lic.status if lic else None,
                "tis": lic.tis_number if lic else None,
                "registered_brands": list(lic.brands) if lic else [],
                "sellers": [{"platform": p, "seller_id": s} for p, s in u.sellers],
                "brands": list(u.brands),
                "listings": [{"platform": p, "listing_id": lid} for p, lid in u.listings],
            }
        )
    return out


def group_page(db: Engine, idx: InvestigationIndex, pk: int) -> dict | None:
    """The near-duplicate group of a listing: its members side by side, with their verdicts and decisions."""
    with db.connect() as conn:
        row = conn.execute(select(listings.c.platform, listings.c.listing_id).where(listings.c.id == pk)).first()
    if row is None:
        return None
    group = idx.corpus.group_of((row.platform, row.listing_id))
    if group is None:
        return {"gid": None, "members": [], "pk": pk}
    summaries = listing_summaries(db, list(group.members))
    return {"gid": group.gid, "pk": pk, "members": [summaries[k] for k in group.members if k in summaries]}


def decide_group(db: Engine, settings, idx: InvestigationIndex, pk: int, kind: str, actor: str, legal_basis, reason):
    """The same decision for every member of a listing's near-duplicate group not decided yet the same
    way; returns the listing pks decided."""
    from tisguard.services import decisions as dec_svc
    from tisguard.services.review import governing_decisions

    page = group_page(db, idx, pk)
    if page is None:
        raise LookupError(pk)
    pks = [m["id"] for m in page["members"]] or [pk]
    with db.connect() as conn:
        governing = governing_decisions(conn, pks)
    done = []
    for lp in pks:
        if governing.get(lp) == kind:
            continue
        dec_svc.decide(db, settings, lp, kind, actor, legal_basis, reason)
        done.append(lp)
    return done


def listing_investigation(db: Engine, idx: InvestigationIndex | None, detail: dict) -> dict:
    """What the listing page shows beside the evidence: the relisted-from listing (for the side-by-side
    view), the seller's network, the duplicate group, recall matches."""
    ev = (detail.get("assessment") or {}).get("evidence") or []
    relist = next((e for e in ev if e.get("signal") == "relisting"), None)
    pair = None
    if relist:
        v = relist.get("value") or {}
        key = (v.get("platform"), v.get("listing_id"))
        earlier = listing_summaries(db, [key]).get(key)
        if earlier is not None:
            pair = {"earlier": earlier, "value": v}
    group = next((e.get("value") for e in ev if e.get("signal") == "duplicate_group"), None)
    seller = detail.get("seller") or {}
    return {
        "relisting": pair,
        "network": seller_network_id(idx, detail["platform"], seller.get("id") or ""),
        "group": group,
        "recalls": [e.get("value") or {} for e in ev if e.get("signal") == "recall_match"],
        "licence_shared": [e.get("value") or {} for e in ev if e.get("signal") == "licence_shared"],
    }


def pk_of(db: Engine, platform: str, listing_id: str) -> int | None:
    return listing_pks(db, [(platform, listing_id)]).get((platform, listing_id))
