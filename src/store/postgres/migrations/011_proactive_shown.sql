-- daehwa schema version 11: when proactive messages were shown to each shopper (the customer id,
-- else the session id, as src/proactive/shopper.ts writes it), so that every server process counts
-- the same caps (min_minutes_between, max_per_day) and a restart keeps them. Only the last day is
-- read; older rows are deleted by the server once a day, a shopper's with their erasure. shown_at
-- is an ISO time, compared as text.
CREATE TABLE daehwa_proactive_shown (
  shopper text NOT NULL,
  shown_at text NOT NULL
);
CREATE INDEX daehwa_proactive_shown_shopper ON daehwa_proactive_shown (shopper, shown_at);
CREATE INDEX daehwa_proactive_shown_shown_at ON daehwa_proactive_shown (shown_at);
