"""Results: the versioned schema (docs/results_schema.md), writers and the terminal table."""
