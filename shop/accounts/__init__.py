"""Accounts: users, log-in, registration, e-mail confirmation and password reset."""
