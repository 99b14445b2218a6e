"""The model seam and its implementations: offline, OpenAI (against the fake server)."""
