-- Board packs are frozen (issue 15): the database itself refuses to change or delete one, so
-- immutability holds whatever code or person writes to it. A pack is only ever inserted.
CREATE FUNCTION refuse_board_pack_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a board pack is frozen: it cannot be changed or deleted';
END
$$;
CREATE TRIGGER board_packs_frozen BEFORE UPDATE OR DELETE ON board_packs
    FOR EACH ROW EXECUTE FUNCTION refuse_board_pack_change();
CREATE TRIGGER board_packs_frozen_truncate BEFORE TRUNCATE ON board_packs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_board_pack_change();
