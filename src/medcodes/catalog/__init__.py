"""The catalog: one SQLite file built from the official releases, read-only once built."""
