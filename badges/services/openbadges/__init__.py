"""Open Badges 2.0 / 3.0 documents, bundled JSON-LD contexts and the OB 3.0 JSON Schema."""
