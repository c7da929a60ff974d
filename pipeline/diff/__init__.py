"""diff stage: merge act copies, derive measures, the change list and the state on any date.

Layers, each importing only the ones before it:

- the model, pure (no database, no clock): `inputs` (DocInput), `acts`, `measures`, `scope`,
  `intervals` (the timeline of suspensions and removals), `changes`, `state`, `analysis` (all of it
  in memory), `gold` (gold records as inputs);
- `tables`: the schema of the stage's tables and the mapping between model objects and rows;
- `load`: reading the extract stage's records (through pipeline.extract.api) as DocInputs;
- `stage`: the one write path, one act at a time (`run_stage`, what `exportwatch run` calls);
- `api`: what other stages and the CLI may read (changes, state on a date, upcoming events).
"""
