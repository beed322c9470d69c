"""API tokens and two-factor sign-in."""

from datetime import timedelta

from .env import env_str

# --- API tokens and two-factor sign-in ---
# A token is shown once and stored as a digest; it expires after this many hours (30 days for
# citizens, 12 hours for staff, whose tokens open more data). A password change, the
# account's erasure or POST /api/v1/auth/logout-all/ revoke every token of the account.
PORTAL_TOKEN_TTL_HOURS = int(env_str("PORTAL_TOKEN_TTL_HOURS", "720"))
PORTAL_STAFF_TOKEN_TTL_HOURS = int(env_str("PORTAL_STAFF_TOKEN_TTL_HOURS", "12"))
# Signing in again past this many live tokens drops the account's oldest.
PORTAL_TOKENS_PER_USER = int(env_str("PORTAL_TOKENS_PER_USER", "10"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=PORTAL_TOKEN_TTL_HOURS),
    # The prefix clients already send (DRF's former tokens used it too).
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# Two-factor sign-in (TOTP) for the IOC, supervisors and administrators: the name the
# authenticator app shows, and the base of the wait after a wrong code (1, 2, 4, … seconds).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Điện Biên - Phản ánh hiện trường")
OTP_TOTP_THROTTLE_FACTOR = int(env_str("OTP_TOTP_THROTTLE_FACTOR", "1"))
# The admin never shows an authenticator's secret or QR code (an administrator resets a lost
# device by deleting it; its owner then enrols again).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
