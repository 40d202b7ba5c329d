"""Reference data an administrator keeps: jurisdictions, courts and facilities."""
