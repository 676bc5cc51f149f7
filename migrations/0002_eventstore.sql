-- Event store: events (append-only, tenant-scoped, the primary key guards stream versions),
-- and the bookkeeping of asynchronous projections (checkpoints as (transaction id, position) pairs,
-- parked events). See ARCHITECTURE.md "Event store essentials".

CREATE SEQUENCE events_global_position_seq AS bigint;

-- The primary key (tenant_id, stream_id, stream_version) is the optimistic-concurrency guard: an
-- append inserts versions expected+1..expected+n, so two writers at the same expected version
-- collide on it and exactly one commits; versions are gapless because version n+1 is only written
-- after version n exists.
CREATE TABLE events (
  tenant_id uuid NOT NULL,
  stream_id text NOT NULL,
  stream_version bigint NOT NULL,
  global_position bigint NOT NULL DEFAULT nextval('events_global_position_seq'),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  schema_version integer NOT NULL DEFAULT 1,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, stream_id, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (event_id)
);
ALTER SEQUENCE events_global_position_seq OWNED BY events.global_position;

-- Subscribers read in (transaction_id, global_position) order, optionally per tenant.
CREATE INDEX events_commit_order_idx ON events (transaction_id, global_position);
CREATE INDEX events_tenant_commit_order_idx ON events (tenant_id, transaction_id, global_position);

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_tenant ON events USING (tenant_id = acci_current_tenant());
-- The owner (db.system: projection runners, operations) reads across tenants even when it is not
-- a superuser; the runtime role never gets this policy.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY events_owner ON events TO %I USING (true) WITH CHECK (true)', current_user);
END $$;

-- Events are immutable for the runtime role: it may only append and read.
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM acci_app;

-- Appends are one statement each, built in src/framework/eventstore/append-sql.ts.

-- A stream read (or its version) in one round trip, scoped to the tenant like an append.
CREATE FUNCTION acci_read_stream(p_tenant uuid, p_stream text, p_from bigint, p_limit integer)
RETURNS SETOF events LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  scoped uuid := acci_current_tenant();
BEGIN
  IF scoped IS NULL THEN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
  ELSIF scoped <> p_tenant THEN
    RAISE EXCEPTION 'read of tenant % inside a transaction scoped to tenant %', p_tenant, scoped USING ERRCODE = '42501';
  END IF;
  RETURN QUERY SELECT * FROM events e
    WHERE e.tenant_id = p_tenant AND e.stream_id = p_stream AND e.stream_version >= p_from
    ORDER BY e.stream_version LIMIT p_limit;
END $$;

CREATE FUNCTION acci_stream_version(p_tenant uuid, p_stream text)
RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  scoped uuid := acci_current_tenant();
BEGIN
  IF scoped IS NULL THEN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
  ELSIF scoped <> p_tenant THEN
    RAISE EXCEPTION 'read of tenant % inside a transaction scoped to tenant %', p_tenant, scoped USING ERRCODE = '42501';
  END IF;
  RETURN coalesce((SELECT max(e.stream_version) FROM events e WHERE e.tenant_id = p_tenant AND e.stream_id = p_stream), 0);
END $$;

-- Asynchronous projections: where each one is, as a pair, updated compare-and-set in the same
-- transaction as the read-model change. Platform tables: the runtime role has no access.
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  version integer NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT '0',
  global_position bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events a projection gave up on after bounded retries, with the error, for an operator to see.
CREATE TABLE projection_parked (
  projection text NOT NULL,
  event_id uuid NOT NULL,
  tenant_id uuid NOT NULL,
  event_type text NOT NULL,
  transaction_id xid8 NOT NULL,
  global_position bigint NOT NULL,
  attempts integer NOT NULL,
  error text NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, event_id)
);

REVOKE ALL ON projection_checkpoints, projection_parked FROM acci_app;
