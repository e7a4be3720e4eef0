"""The demo, in one place: ``drawreview demo`` / ``make serve`` run these.

* ``accounts``: the demo authority, its window and five reviewers, a design institute, a
  construction unit and one project (idempotent; credentials kept in the data dir);
* ``drawings``: the demo drawing set, put together from the ``drawreview.samples`` generators
  (some sheets carry seeded violations so the demo shows findings);
* ``review``: a review round in progress on that set, driven through drawreview's own HTTP API.
"""
