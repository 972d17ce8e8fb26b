-- daehwa schema version 3: satisfaction surveys (CSAT and NPS answers, skips included),
-- complaint cases with the per-day counter their numbers come from, and the order notifications
-- the chat tells customers once. Records are kept whole as
-- jsonb (read back through src/store/schemas.ts), beside the columns they are looked up by.

CREATE TABLE daehwa_surveys (
  id text PRIMARY KEY,
  session_id text NOT NULL,
  customer_id text,
  kind text NOT NULL,
  -- ISO time of the answer, as text: ordered and compared like the other stores do.
  at text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_surveys_at ON daehwa_surveys (at);
CREATE INDEX daehwa_surveys_customer ON daehwa_surveys (customer_id, at);
CREATE INDEX daehwa_surveys_session ON daehwa_surveys (session_id);

CREATE TABLE daehwa_cases (
  id text PRIMARY KEY,
  number text NOT NULL UNIQUE,
  session_id text NOT NULL,
  customer_id text,
  queue_item_id text,
  created_at text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_cases_customer ON daehwa_cases (customer_id, created_at);
CREATE INDEX daehwa_cases_session ON daehwa_cases (session_id);
CREATE INDEX daehwa_cases_queue_item ON daehwa_cases (queue_item_id);

-- The last case number given out per shop calendar day (YYYYMMDD); moved on under the row's lock.
CREATE TABLE daehwa_case_counters (
  day text PRIMARY KEY,
  last integer NOT NULL
);

-- Order events the shop reported, by the shop's event id; delivered_at is set once, conditionally.
CREATE TABLE daehwa_notifications (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  created_at text NOT NULL,
  delivered_at text,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_notifications_customer ON daehwa_notifications (customer_id, created_at);
