-- daehwa schema version 5: the agent desk (issue 14). Canned replies admins keep for agents, and
-- the records of files shoppers sent (their bytes are in the attachment storage, not here).

CREATE TABLE daehwa_canned_replies (
  id text PRIMARY KEY,
  record jsonb NOT NULL
);

CREATE TABLE daehwa_attachments (
  id text PRIMARY KEY,
  session_id text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_attachments_session ON daehwa_attachments (session_id);

-- Conversations that waited past their service-level target, for the analytics.
CREATE TABLE daehwa_sla_breaches (
  id text PRIMARY KEY,
  item_id text NOT NULL,
  breached_at text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_sla_breaches_breached_at ON daehwa_sla_breaches (breached_at);
