-- daehwa schema version 1: sessions, their transcripts and the agent queue.
-- Each stored object is kept whole as jsonb (read back through src/store/schemas.ts); the columns
-- beside it are the ones the store looks rows up or orders them by.

CREATE TABLE daehwa_sessions (
  id text PRIMARY KEY,
  token_hash text NOT NULL,
  status text NOT NULL,
  -- seq of the last transcript entry; appends take it under this row's lock.
  last_seq integer NOT NULL DEFAULT 0,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_sessions_token_hash ON daehwa_sessions (token_hash);
CREATE INDEX daehwa_sessions_status ON daehwa_sessions (status);

CREATE TABLE daehwa_transcript_entries (
  session_id text NOT NULL REFERENCES daehwa_sessions (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  entry jsonb NOT NULL,
  PRIMARY KEY (session_id, seq)
);

CREATE TABLE daehwa_queue_items (
  id text PRIMARY KEY,
  session_id text NOT NULL,
  status text NOT NULL,
  created_at text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_queue_items_status ON daehwa_queue_items (status, created_at);
