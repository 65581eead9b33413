"""The one place that builds the engine and runs it.

- `build`: the reference snapshot and the engine from settings and a config (`build_engine`); the only
  place an `Engine` is constructed, and where image evidence is registered.
- `store`: assess a batch and keep the assessments (`assess_and_store`).
- `runners`: a listings file, a file into the store, a store rescan, a platform push, a pre-listing check.
- `spark`: the same engine on Apache Spark, once per partition.

The CLI, the web app, the demo, the benchmarks and Spark all come through here, so "the same verdict in
the upload path as in a scan" holds for any configuration, not only the defaults.
"""
