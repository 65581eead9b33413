"""The mandatory-standards catalogue: data an administrator extends, never code."""
