"""Publishing: narrating into the catalog, feeds and their pages, shows, private feeds."""
