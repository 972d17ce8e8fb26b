-- daehwa schema version 8 (issue 13): what several server processes on one database must share
-- besides the store and the coordination of 002: timers that outlive the process that set them,
-- sign-out revocations and sign-in lockouts.

-- Durable timers (src/timers/postgres.ts). key is '<kind>:<id>'; times are ms since the epoch on
-- the servers' clock. A poll claims due rows with FOR UPDATE SKIP LOCKED, setting claim_token and
-- claimed_until_ms; the handler's end deletes the row by its claim token, a failure makes it due
-- again later; a claim that runs out (its process died) makes the row claimable again.
CREATE TABLE daehwa_timers (
  key text PRIMARY KEY,
  kind text NOT NULL,
  due_at_ms bigint NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  attempts integer NOT NULL DEFAULT 0,
  claim_token text,
  claimed_by text,
  claimed_until_ms bigint,
  scheduled_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX daehwa_timers_due ON daehwa_timers (due_at_ms);

-- Agent tokens ended by sign-out (src/store/postgres/auth-state.ts), kept until they would have
-- expired anyway; every process checks an agent's token here before it serves the request.
CREATE TABLE daehwa_revoked_tokens (
  token_id text PRIMARY KEY,
  expires_at_ms bigint NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX daehwa_revoked_tokens_expiry ON daehwa_revoked_tokens (expires_at_ms);

-- Wrong passwords per account and client address (src/server/sign-in-guard.ts): counted by one
-- upsert, so failures on several processes add up to one lockout. Rows idle for a day and not
-- locked are deleted.
CREATE TABLE daehwa_sign_in_failures (
  account_id text NOT NULL,
  address text NOT NULL,
  failures integer NOT NULL,
  locks integer NOT NULL,
  locked_until_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL,
  PRIMARY KEY (account_id, address)
);
CREATE INDEX daehwa_sign_in_failures_updated ON daehwa_sign_in_failures (updated_at_ms);
