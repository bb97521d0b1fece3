-- Spreadsheet imports (issue 5): an uploaded file is kept in the database between its preview
-- and its commit, so that any server instance can show the preview and commit it. The commit
-- parses the stored bytes again. Uploads are removed a week after they were made.
CREATE TABLE import_uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    fy_start     BIGINT NOT NULL CHECK (fy_start BETWEEN 1990 AND 2098),
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    content      BLOB NOT NULL,
    uploaded_by  BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    committed_at BIGINT
);
CREATE INDEX import_uploads_created ON import_uploads (created_at);
