"""Reading sources: paths, stdin and URLs (the SSRF-safe fetcher), text charsets, article
identity, extraction and sentence splitting."""
