"""Investigation: what links one listing to others (issue 13).

- `fingerprint`: per listing, a MinHash of its text, perceptual hashes of its photos (computed outside
  `detect` and handed in), its contacts and the licence numbers it shows.
- `contacts`: phone, LINE id, e-mail, shop URL pattern, juristic id and return address, as written.
- `corpus`: the corpus of fingerprints and what follows from it (near-duplicate groups, relisting of
  confirmed violations, licences shared by unrelated sellers, seller networks), embedded and
  incremental (`EmbeddedCorpus`) or precomputed (`StaticFacts`, e.g. by Spark).
- `recalls`: recalls and alerts from abroad (EU Safety Gate, US CPSC) and how a listing matches one.
- `index`: `InvestigationIndex`, the one field of the reference snapshot that detectors read.

Nothing here reads files, the store or the network: the pipeline fills the index.
"""
