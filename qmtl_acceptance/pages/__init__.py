"""Pages a product owner reads, rendered from the features and from runs' results."""
