"""Model-driven protocol layer: routing, parsing, validation, serialization."""
