"""Domain operations behind the web pages, the JSON API and the CLI (no HTTP here)."""
