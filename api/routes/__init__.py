"""One module per resource: health, feeds, media files."""
