-- Seats for several registrations committed together (group commit), as one refusing call: the
-- seats come from whichever stripes have room and are not locked right now, one stripe after the
-- other in random order (never waiting, like the single-seat fast path, so it never holds a stripe
-- while waiting for the gate), and only the stripes it takes stay locked. The new active members
-- are counted on the first stripe taken. When the stripes it can take lack room, it refuses
-- ('seat'); the caller then registers each user the slow way, which refills the stripes or refuses
-- with the exact reason.
CREATE FUNCTION acci_take_seats(p_tenant uuid, p_seats int, p_members int) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  need int := p_seats;
  members int := p_members;
  visited int[] := '{}';
  s int;
  room int;
  take int;
BEGIN
  IF p_seats < 0 OR p_members < 0 THEN
    RAISE EXCEPTION 'acci_take_seats: seats and members must not be negative';
  END IF;
  WHILE need > 0 OR members > 0 LOOP
    SELECT stripe, allowance - used INTO s, room FROM tenant_seat_stripes
     WHERE tenant_id = p_tenant AND status = 'active' AND (used < allowance OR need = 0) AND stripe <> ALL (visited)
     ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      PERFORM acci_refuse('seat');
    END IF;
    take := least(greatest(room, 0), need);
    UPDATE tenant_seat_stripes SET used = used + take, active_members = active_members + members
     WHERE tenant_id = p_tenant AND stripe = s;
    visited := visited || s;
    need := need - take;
    members := 0;
  END LOOP;
  RETURN true;
END $$;
