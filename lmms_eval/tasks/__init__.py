"""Tasks: the YAML schema, the lazy task index, dataset sources and prompt rendering."""
