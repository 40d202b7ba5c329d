"""Cross-cutting web plumbing: request ids, authentication, headers, logging, error pages."""
