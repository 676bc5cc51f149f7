-- The outbox claim takes the oldest due mails in (next_attempt_at, id) order. Sent mails are
-- deleted and claimed ones move forward, so the left end of this index is a long run of entries
-- whose rows are gone until VACUUM comes by. A bitmap scan visits every one of those heap rows on
-- every claim (measured: ~15,000 entries and 375 heap pages, 0.5 ms, for 20 rows after a burst of
-- invitations); an ordered index scan marks them dead once and then steps over them, and with
-- `id` in the key it also needs no sort before its LIMIT. The claim turns bitmap scans off.
DROP INDEX mail_outbox_due_idx;
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE parked_at IS NULL;
