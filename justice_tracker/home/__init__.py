"""The landing page each role sees first, and the health check."""
