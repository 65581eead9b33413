"""The investigation index at scale, on Spark: the same answers as `EmbeddedCorpus` on the same input.

Phase 1 of `spark-scan` (phase 2 assesses with the answers broadcast):
1. fingerprints of the input's valid listings (the same `make_fingerprint`), plus those the driver's
   index already holds (from the store); a listing in both counts as the input's version;
2. MinHash LSH: candidate pairs from a join on the signature's band keys (the bands datasketch's
   `MinHashLSH` uses embedded) and on the photo-hash band keys; the same `candidate_similarity` on each.
   Not `pyspark.ml.feature.MinHashLSH`: its own random hash functions give other candidates than the
   embedded index, so borderline pairs could come out differently; banding the same datasketch
   signatures gives the same candidates by construction, hence the same answers;
3. generic photos: each distinct photo hash with the sellers of every hash within the distance;
4. connected components, by iterative min-label propagation with pointer jumping over RDDs, for
   near-duplicate groups and for seller networks (GraphFrames would need its JVM package, which pip
   does not ship; collecting the edges to the driver would not scale); each round takes the smallest
   label among a node's neighbours, then the label of that label, so it converges in about log2 of the
   longest path's length rounds;
5. licence uses and network keys grouped by key.
The driver assembles `StaticFacts` from the (small) results, with the same helpers as embedded.
"""

from __future__ import annotations

from dataclasses import replace

from tisguard.detect.investigation.corpus import (
    DupGroup,
    LicenceUse,
    Network,
    RelistMatch,
    StaticFacts,
    _dedupe_links,
    brand_label,
    licence_uses,
)
from tisguard.detect.investigation.fingerprint import (
    band_keys,
    candidate_similarity,
    hamming,
    image_band_keys,
    near_duplicate,
    stable_id,
)
from tisguard.detect.investigation.index import InvestigationIndex

MAX_ROUNDS = 200


def _fingerprint_partition(shared):
    def run(part, lines):
        import io

        from tisguard.detect.investigation.index import make_fingerprint
        from tisguard.ingest.readers import iter_jsonl
        from tisguard.spec.listing import listing_from_record

        params, images = shared.value
        hasher = None
        if images is not None:
            from tisguard.images.analyze import ImageAnalyzer
            from tisguard.images.phash import PhotoHasher

            hasher = PhotoHasher(ImageAnalyzer(images.root, images.cache_dir))
        for pos, line in enumerate(lines):
            for rec_no, raw in iter_jsonl(io.BytesIO(line.encode("utf-8") + b"\n")):
                listing, errors = listing_from_record(rec_no, raw)
                if not errors:
                    hashes = hasher(listing.images) if hasher and listing.images else ()
                    # the file's version wins over the store's; in the file, the last record wins
                    yield listing.key, ((0, -part, -pos), make_fingerprint(listing, hashes, params))

    return run


def _pairs_in_bucket(members):
    items = sorted(set(members))
    return [(items[i], items[j]) for i in range(len(items)) for j in range(i + 1, len(items))]


def components(edges, n: int):
    """node → smallest node of its component, for every node on an edge (RDD of (u, v)); `n` partitions."""
    adj = edges.flatMap(lambda e: [(e[0], e[1]), (e[1], e[0])]).partitionBy(n).cache()
    labels = adj.map(lambda kv: (kv[0], kv[0])).distinct(n).cache()
    for _ in range(MAX_ROUNDS):
        hop = adj.join(labels, n).map(lambda kv: (kv[1][0], kv[1][1])).union(labels).reduceByKey(min, n)
        # pointer jumping: take the label of one's label too, so long paths converge in log rounds
        new = hop.map(lambda kv: (kv[1], kv[0])).join(hop, n).map(lambda kv: (kv[1][0], min(kv[0], kv[1][1])))
        new = new.reduceByKey(min, n).cache()
        changed = new.join(labels, n).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        labels.unpersist()
        labels = new
        if changed == 0:
            adj.unpersist()
            return labels
    raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")


def spark_facts(
    sc, lines, index: InvestigationIndex, registry, images=None, timings: dict | None = None
) -> StaticFacts:
    """The answers of `EmbeddedCorpus` for (the index's corpus + the listings in `lines`), on Spark.
    With `timings`, each stage is run to the end before the next (an extra count each) and timed."""
    import time

    last = [time.perf_counter()]

    def mark(stage: str, rdd=None) -> None:
        if timings is not None:
            if rdd is not None:
                rdd.count()
            now = time.perf_counter()
            timings[stage] = timings.get(stage, 0.0) + now - last[0]
            last[0] = now

    params = index.params
    n = max(2, lines.getNumPartitions())  # every shuffle keeps the input's partition count
    emb = index.embedded
    bad = dict(emb.bad) if emb is not None else {}
    shared = sc.broadcast((params, images))
    consts = sc.broadcast((params, bad, registry))

    file_fps = lines.mapPartitionsWithIndex(_fingerprint_partition(shared))
    known = list(emb.fps.items()) if emb is not None else []
    store_fps = sc.parallelize(known, max(1, min(len(known) // 5000, 64))).map(lambda kv: (kv[0], ((1, 0, 0), kv[1])))
    fps = (
        file_fps.union(store_fps)
        .reduceByKey(lambda x, y: x if x[0] <= y[0] else y, n)
        .mapValues(lambda v: v[1])
        .cache()
    )
    mark("fingerprints (MinHash, pHash, contacts)", fps)

    # 2. candidate pairs: text bands and photo bands
    def text_bands(kv):
        key, fp = kv
        return [(b, key) for b in band_keys(fp.signature, consts.value[0])]

    def photo_bands(kv):
        key, fp = kv
        return [(bk, (h, key)) for h in fp.images for bk in image_band_keys(h, consts.value[0])]

    def near_photo_pairs(members):
        p = consts.value[0]
        items = sorted(set(members))
        return [
            (min(a[1], b[1]), max(a[1], b[1]))
            for i, a in enumerate(items)
            for b in items[i + 1 :]
            if a[1] != b[1] and hamming(a[0], b[0]) <= p.image_distance
        ]

    text_pairs = fps.flatMap(text_bands).groupByKey(n).flatMap(lambda kv: _pairs_in_bucket(kv[1]))
    photo_pairs = fps.flatMap(photo_bands).groupByKey(n).flatMap(lambda kv: near_photo_pairs(kv[1]))
    candidates = text_pairs.union(photo_pairs).distinct(n)

    def similarity(kv):
        (a, b), (fa, fb) = kv
        sim = candidate_similarity(fa, fb, consts.value[0])
        return [(a, b, sim)] if sim is not None else []

    sims = (
        candidates.join(fps, n)  # (a, (b, fa)), a < b
        .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))  # (b, (a, fa))
        .join(fps, n)  # (b, ((a, fa), fb))
        .map(lambda kv: ((kv[1][0][0], kv[0]), (kv[1][0][1], kv[1][1])))
        .flatMap(similarity)
        .cache()
    )
    mark("LSH candidates + pair similarity", sims)

    # 3. generic photos: sellers of every hash within the distance, per distinct hash
    hash_sellers = fps.flatMap(lambda kv: [(h, kv[1].seller) for h in kv[1].images]).distinct(n)
    hashes = hash_sellers.keys().distinct(n)

    def hash_bands(h):
        return [(bk, h) for bk in image_band_keys(h, consts.value[0])]

    def near_hash_pairs(members):
        p = consts.value[0]
        items = sorted(set(members))
        return [(a, b) for a in items for b in items if hamming(a, b) <= p.image_distance]

    near = hashes.flatMap(hash_bands).groupByKey(n).flatMap(lambda kv: near_hash_pairs(kv[1])).distinct(n)
    near_sellers = (
        near.map(lambda ab: (ab[1], ab[0]))
        .join(hash_sellers, n)
        .map(lambda kv: (kv[1][0], kv[1][1]))
        .groupByKey(n)
        .mapValues(lambda s: tuple(sorted(set(s))))
        .cache()
    )
    limit = params.max_sellers_per_key
    common = frozenset(near_sellers.filter(lambda kv: len(kv[1]) > limit).keys().collect())
    common_b = sc.broadcast(common)
    mark("generic photos")

    # 4a. near-duplicates: groups among listings not confirmed, and relisting of confirmed ones
    def holds(sim):
        c = {x for pair in sim.photos for x in pair if x in common_b.value}
        return near_duplicate(sim, c, consts.value[0])

    dup = sims.filter(lambda e: holds(e[2])).cache()
    group_edges = dup.filter(lambda e: e[0] not in consts.value[1] and e[1] not in consts.value[1]).map(
        lambda e: (e[0], e[1])
    )
    groups: dict = {}
    for _label, members in components(group_edges, n).map(lambda kv: (kv[1], kv[0])).groupByKey(n).collect():
        ms = tuple(sorted(members))
        g = DupGroup(stable_id("dg-", ms[0]), ms)
        groups.update({m: g for m in ms})

    def relist(e):
        a, b, sim = e
        c = {x for pair in sim.photos for x in pair if x in common_b.value}
        out = []
        for me, other in ((a, b), (b, a)):
            if other in consts.value[1]:
                out.append((me, RelistMatch(other, consts.value[1][other], sim.text, sim.title, sim.image_distance(c))))
        return out

    relisted = {
        k: tuple(sorted(ms, key=lambda m: (m.image_distance is None, -m.text, m.key)))
        for k, ms in dup.flatMap(relist).groupByKey(n).collect()
    }

    mark("near-duplicate groups + relisting (components)")

    # 5a. licences shown by sellers that do not fit the licensee
    def uses(kv):
        key, fp = kv
        return [
            (lkey, (no, licensee or "", key, fp.seller, brand_label(fp.brand)))
            for lkey, no, licensee, fits in licence_uses(fp, consts.value[2])
            if not fits
        ]

    licence_rows = fps.flatMap(uses).cache()
    licences = {}
    for lkey, rows in licence_rows.groupByKey(n).collect():
        rows = list(rows)
        no, licensee = min((r[0], r[1]) for r in rows)
        licences[lkey] = LicenceUse(
            lkey,
            no,
            licensee or None,
            tuple(sorted({r[3] for r in rows})),
            tuple(sorted({r[4] for r in rows})),
            tuple(sorted({r[2] for r in rows})),
        )

    mark("licence sharing")

    # 5b. seller networks: contacts, licences not fitted, photos (generic keys link nothing)
    def keys_of(kv):
        _key, fp = kv
        out = [((kind, value), fp.seller) for kind, value in fp.contacts]
        out += [(("licence", lkey), fp.seller) for lkey, _n, _w, fits in licence_uses(fp, consts.value[2]) if not fits]
        return out

    contact_keys = fps.flatMap(keys_of).distinct(n).groupByKey(n).mapValues(lambda s: tuple(sorted(set(s))))
    photo_keys = near_sellers.filter(lambda kv: kv[0] not in common_b.value).map(
        lambda kv: (("image", f"{kv[0]:016x}"), kv[1])
    )
    link_keys = contact_keys.union(photo_keys).filter(lambda kv: 1 < len(kv[1]) <= limit).cache()
    seller_edges = link_keys.flatMap(lambda kv: [(kv[1][0], s) for s in kv[1][1:]])
    label_of = dict(components(seller_edges, n).collect())
    members: dict = {}
    for s, label in label_of.items():
        members.setdefault(label, []).append(s)
    links: dict = {}
    for kv, sellers in link_keys.collect():
        links.setdefault(label_of[sellers[0]], {})[kv] = set(sellers)
    networks = {}
    for label, ms in members.items():
        ms = tuple(sorted(ms))
        net = Network(stable_id("net-", ms[0]), ms, _dedupe_links(links.get(label, {})))
        networks.update({m: net for m in ms})
    mark("seller networks (components)")
    fps.unpersist()
    return StaticFacts(groups, relisted, licences, networks)


def index_for_spark(sc, lines, ref, images=None) -> InvestigationIndex | None:
    """The reference's investigation index with its corpus answers computed on Spark for `lines`."""
    idx = ref.investigation
    if idx is None:
        return None
    facts = spark_facts(sc, lines, idx, ref.registry, images)
    return InvestigationIndex(facts, idx.recalls, idx.params, None, {})


def with_spark_investigation(sc, lines, snapshot):
    """(reference, config, images) with the investigation answers computed on Spark (for the broadcast)."""
    ref, config, images = snapshot
    if ref.investigation is None:
        return snapshot
    return replace(ref, investigation=index_for_spark(sc, lines, ref, images)), config, images
