"""Legal time limits as data (rule packs) and the pure engine that applies them to a case.

No Flask, SQLAlchemy or WeasyPrint here: the clock (`as_of`) and court closure days
are passed in, so the engine can be tested with tables and run in bulk.
"""
