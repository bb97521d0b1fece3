-- Open data (issue 8): which aggregate datasets the programme office has published. A published
-- dataset is readable by anyone at /api/v1/open/NAME; the rest only by the board and office.
CREATE TABLE open_data_publications (
    dataset     TEXT PRIMARY KEY,
    published   BIGINT NOT NULL CHECK (published IN (0, 1)),
    changed_at  BIGINT NOT NULL,
    changed_by  BIGINT NOT NULL REFERENCES users (id)
);
