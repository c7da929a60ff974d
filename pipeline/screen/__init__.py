"""Screening: is this name a listed party? (`exportwatch screen`, the "Is this party listed?"
query, the FollowTheMoney export).

- `names.py`: the comparison key of a name (the document view's fold to Simplified script and
  ASCII punctuation, Chinese and Japanese legal forms stripped, then the `fingerprints` library)
  and the match rule (rapidfuzz scores on those keys), data in config/screening.yml;
- `index.py`: every name printed for every listed party, searched for one name or a whole CSV;
- `ftm.py`: the listed parties as FollowTheMoney entities;
- `commands.py`: `exportwatch screen`, `exportwatch ftm`.

It reads the diff stage through pipeline.diff.api only.
"""
