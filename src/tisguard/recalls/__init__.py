"""Recalls and alerts from abroad: reading the published formats (EU Safety Gate, US CPSC) into `Recall`s."""
