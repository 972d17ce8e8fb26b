-- daehwa schema version 10: what the request/response channels (KakaoTalk, the signed webhook)
-- keep between a shopper's requests: the frames waiting for their next request and the
-- channel's memory of its last answer. One row per session, gone with it; rows not updated for
-- channels.linkTtlMs are deleted by the server (updated_at is an ISO time, compared as text).
CREATE TABLE daehwa_channel_links (
  session_id text PRIMARY KEY REFERENCES daehwa_sessions (id) ON DELETE CASCADE,
  updated_at text NOT NULL,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_channel_links_updated_at ON daehwa_channel_links (updated_at);
