"""All file I/O of prognose: reading extracts, configuration, snapshots."""
