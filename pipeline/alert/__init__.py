"""alert stage."""
