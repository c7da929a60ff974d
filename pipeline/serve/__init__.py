"""serve stage: browse the database in Datasette (views, search indexes, metadata, `exportwatch serve`).

- `views.prepare(db)` (run by `stage.run_stage` at the end of every run): SQL views, helper tables,
  trigram FTS and indexes; see views.py and derived.py.
- `snapshot.publish`: the consistent copy Datasette serves, published by `serve` and after every run
  of a served database; `reloading.ReloadingDatabase` (plugin `plugins/reload.py`) follows it.
- `metadata.yml`: titles, disclaimer, descriptions, facets, canned queries; `templates/`: footer
  with what the data is (`origin.py`: live or test data), row pages, query titles; `plugins/`:
  `links.py` renders the views' `*_link` columns as links, `csv_links.py` makes them absolute in
  CSV, `feeds.py` answers an empty Atom feed, `quiet_errors.py` keeps tracebacks out of the log.
- `commands.serve`: Datasette on the published copy, read-only and immutable, named `exportwatch`.
"""
