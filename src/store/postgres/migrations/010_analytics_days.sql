-- daehwa schema version 8 (issue 12): the daily aggregates of the analytics facts, and the index
-- privacy erasure finds a session's facts by.
--
-- One row per shop calendar day: the window of fact instants it is computed from, the claim of a
-- computation under way, and the aggregate once kept (null while claimed). A statement that
-- appends or deletes facts deletes, in the same statement, the rows whose window holds one of
-- them: a claim or an aggregate never outlives a change to its facts.
CREATE TABLE daehwa_analytics_days (
  day text PRIMARY KEY,
  from_at timestamptz NOT NULL,
  to_at timestamptz NOT NULL,
  claim text,
  record jsonb
);
CREATE INDEX daehwa_analytics_days_to ON daehwa_analytics_days (to_at);

CREATE INDEX daehwa_analytics_facts_session ON daehwa_analytics_facts (session_id);
