"""Departmental imports: read a file, check every cell, preview, then commit all or nothing."""
