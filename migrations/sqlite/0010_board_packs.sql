-- Board packs (issue 8): a dashboard frozen on a date. The data cut (the dashboard as JSON) and
-- the rendered pack (its HTML body and the self-contained file) are stored together, in the
-- database so that every server instance serves the same pack. Nothing updates a row: a pack
-- is immutable; its SHA-256 is of the self-contained file.
CREATE TABLE board_packs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT NOT NULL,
    query       TEXT NOT NULL,
    filters     TEXT NOT NULL,
    data_json   TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    document    TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    frozen_at   BIGINT NOT NULL,
    frozen_by   BIGINT NOT NULL REFERENCES users (id)
);
CREATE INDEX board_packs_frozen ON board_packs (frozen_at);
