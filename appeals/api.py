"""The 12345 platform's inbound API (12345工单接入)."""
