-- daehwa schema version 6 (privacy, issue 18): the audit log of agent actions.
-- Append-only: the store has no statement that updates or deletes a row here; seq is the order
-- of appends, the event is kept whole as jsonb (read back through src/store/schemas.ts).

CREATE TABLE daehwa_audit_events (
  seq bigserial PRIMARY KEY,
  event jsonb NOT NULL
);
