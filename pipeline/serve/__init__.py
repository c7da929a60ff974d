"""serve stage: browse the database in Datasette (views, search indexes, metadata, `exportwatch serve`).

- `views.prepare(db)` (run by `stage.run_stage` at the end of every run): SQL views, helper tables,
  trigram FTS and indexes; see views.py and derived.py.
- `metadata.yml`: titles, disclaimer, descriptions, facets, canned queries; `templates/`: footer
  disclaimer and row pages; `plugins/links.py`: renders the views' `*_link` columns as links.
- `commands.serve`: Datasette on the database, read-only and immutable, named `exportwatch`.
"""
