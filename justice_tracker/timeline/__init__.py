"""Pure timeline logic: event vocabulary, validation and custody episodes (no Flask, no SQL)."""
