"""Credentials beyond the password: API tokens (django-rest-knox, stored as digests, with an
expiry) and two-factor sign-in (django-otp TOTP) for the roles that can read a reporter's
identity."""
