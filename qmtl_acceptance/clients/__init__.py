"""Wire clients for the services under test."""
