"""The back office: staff views over the domains' services; it owns no models."""
