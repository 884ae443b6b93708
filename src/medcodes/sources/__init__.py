"""Parsers of the official CMS/CDC files: file -> typed records. No SQL, no search."""
