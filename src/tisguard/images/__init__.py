"""Image evidence: OCR of label photos, QR codes, the TIS mark; fetched safely, cached by SHA-256."""
