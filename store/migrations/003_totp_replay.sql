-- The time step of the last second-factor code accepted for each user: a
-- code may be used once (RFC 6238 section 5.2), so a code seen over a
-- shoulder or replayed from a log is refused.
ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;
