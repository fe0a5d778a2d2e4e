"""The database and the stores on it: catalog, jobs, feed tokens, retired files."""
