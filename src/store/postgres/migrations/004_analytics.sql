-- daehwa schema version 4: analytics facts (issue 12), one row per turn or desk event, appended
-- once. Reading a month is one range scan of the index on the fact's time.

CREATE TABLE daehwa_analytics_facts (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  session_id text NOT NULL,
  fact jsonb NOT NULL
);
CREATE INDEX daehwa_analytics_facts_at ON daehwa_analytics_facts (at, id);
