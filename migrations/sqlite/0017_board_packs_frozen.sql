-- Board packs are frozen (issue 15): the database itself refuses to change or delete one, so
-- immutability holds whatever code or person writes to it. A pack is only ever inserted.
CREATE TRIGGER board_packs_frozen_update BEFORE UPDATE ON board_packs
BEGIN SELECT RAISE(ABORT, 'a board pack is frozen: it cannot be changed'); END;
CREATE TRIGGER board_packs_frozen_delete BEFORE DELETE ON board_packs
BEGIN SELECT RAISE(ABORT, 'a board pack is frozen: it cannot be deleted'); END;
