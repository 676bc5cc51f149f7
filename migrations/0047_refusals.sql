-- A statement refuses, and so aborts its transaction, by calling acci_refuse(reason). Used by
-- writes that leave together with their COMMIT (db.pipelined): there JavaScript cannot refuse after
-- seeing a result, so a failed precondition must be a failing statement. SQLSTATE AC001 is ours (no
-- standard class starts with AC); the reason is the message's tail after "acci refused: ".
CREATE FUNCTION acci_refuse(reason text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'AC001', MESSAGE = 'acci refused: ' || reason;
END $$;
