"""Tools for development and tests only: never part of the installed shop."""
