"""The `tisguard` command line (Typer)."""
