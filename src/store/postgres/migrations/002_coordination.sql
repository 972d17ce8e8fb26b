-- daehwa schema version 2: what several server processes on one database share besides the store.
-- Frames for shoppers' sockets go through an outbox: the process holding the socket reads them
-- after a notification (or after reconnecting, by seq), so a missed notification loses nothing.

ALTER TABLE daehwa_sessions ADD COLUMN last_frame_seq integer NOT NULL DEFAULT 0;

CREATE TABLE daehwa_session_frames (
  session_id text NOT NULL REFERENCES daehwa_sessions (id) ON DELETE CASCADE,
  -- numbered under the session row's lock, like transcript entries: commit order is seq order.
  seq integer NOT NULL CHECK (seq > 0),
  origin text NOT NULL,
  frame jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, seq)
);
CREATE INDEX daehwa_session_frames_created_at ON daehwa_session_frames (created_at);
