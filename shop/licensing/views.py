"""The professional's licence: submit, follow, download."""
