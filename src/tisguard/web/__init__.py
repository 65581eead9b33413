"""The web app: officer pages (HTML), the same data as JSON under /api, and the platform API."""
