-- daehwa schema version 7: the order notifications the chat tells customers once. Kept by the
-- shop's event id (a repeated event is stored once); delivered_at is set once, conditionally.
CREATE TABLE daehwa_notifications (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  created_at text NOT NULL,
  delivered_at text,
  record jsonb NOT NULL
);
CREATE INDEX daehwa_notifications_customer ON daehwa_notifications (customer_id, created_at);
