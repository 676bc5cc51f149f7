-- Event store: streams (the optimistic-concurrency guard), events (append-only, tenant-scoped),
-- and the bookkeeping of asynchronous projections (checkpoints as (transaction id, position) pairs,
-- parked events). See ARCHITECTURE.md "Event store essentials".

CREATE SEQUENCE events_global_position_seq AS bigint;

-- One row per stream: its current version. Appends lock this row, so versions stay gapless.
CREATE TABLE event_streams (
  tenant_id uuid NOT NULL,
  stream_id text NOT NULL,
  version bigint NOT NULL CHECK (version > 0),
  PRIMARY KEY (tenant_id, stream_id)
);

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

ALTER TABLE event_streams ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_streams FORCE ROW LEVEL SECURITY;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY event_streams_tenant ON event_streams USING (tenant_id = acci_current_tenant());
CREATE POLICY events_tenant ON events USING (tenant_id = acci_current_tenant());
-- The owner (db.system: projection runners, operations) reads across tenants even when it is not
-- a superuser; the runtime role never gets this policy.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY event_streams_owner ON event_streams TO %I USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY events_owner ON events TO %I USING (true) WITH CHECK (true)', current_user);
END $$;

-- Events are immutable for the runtime role: it may only append and read.
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM acci_app;
REVOKE DELETE, TRUNCATE ON event_streams FROM acci_app;

-- The whole append in one statement (one round trip): claims the stream versions under the
-- expected-version rule, inserts the events, and notifies subscribers at commit.
-- p_expected: -1 any, -3 stream must exist, 0 no stream, n > 0 exact version.
-- Raises SQLSTATE AC409 (DETAIL = actual version) on a version conflict.
CREATE FUNCTION acci_append_events(
  p_tenant uuid,
  p_stream text,
  p_expected bigint,
  p_events jsonb,
  p_metadata jsonb,
  p_notify boolean DEFAULT true
) RETURNS TABLE (stream_version bigint, global_positions bigint[], transaction_id xid8, created_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  n integer := jsonb_array_length(p_events);
  v bigint;
  scoped uuid := acci_current_tenant();
  positions bigint[];
BEGIN
  IF scoped IS NULL THEN
    PERFORM set_config('app.tenant_id', p_tenant::text, true);
  ELSIF scoped <> p_tenant THEN
    RAISE EXCEPTION 'append to tenant % inside a transaction scoped to tenant %', p_tenant, scoped USING ERRCODE = '42501';
  END IF;
  IF n = 0 THEN
    RAISE EXCEPTION 'nothing to append' USING ERRCODE = '22023';
  END IF;

  IF p_expected = -1 THEN
    INSERT INTO event_streams AS s (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, n)
      ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = s.version + n
      RETURNING s.version INTO v;
  ELSIF p_expected = 0 THEN
    INSERT INTO event_streams AS s (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, n)
      ON CONFLICT (tenant_id, stream_id) DO NOTHING
      RETURNING s.version INTO v;
  ELSIF p_expected = -3 THEN
    UPDATE event_streams AS s SET version = s.version + n
      WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream
      RETURNING s.version INTO v;
  ELSE
    UPDATE event_streams AS s SET version = s.version + n
      WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream AND s.version = p_expected
      RETURNING s.version INTO v;
  END IF;

  IF v IS NULL THEN
    RAISE EXCEPTION 'version conflict on stream %', p_stream USING
      ERRCODE = 'AC409',
      DETAIL = coalesce((SELECT s.version FROM event_streams s WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream), 0)::text;
  END IF;

  WITH inserted AS (
    INSERT INTO events AS e (tenant_id, stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
    SELECT p_tenant, p_stream, v - n + x.ord, (x.item->>'id')::uuid, x.item->>'type',
           coalesce((x.item->>'v')::integer, 1), x.item->'data', p_metadata
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(item, ord)
     ORDER BY x.ord
    RETURNING e.global_position, e.stream_version
  )
  SELECT array_agg(i.global_position ORDER BY i.stream_version) INTO positions FROM inserted i;

  IF p_notify THEN
    PERFORM pg_notify('acci_events', '');
  END IF;
  RETURN QUERY SELECT v, positions, pg_current_xact_id(), now();
END $$;

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
  RETURN coalesce((SELECT s.version FROM event_streams s WHERE s.tenant_id = p_tenant AND s.stream_id = p_stream), 0);
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
