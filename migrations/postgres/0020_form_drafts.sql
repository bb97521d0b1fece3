-- A refused form, kept on the server (issue 15): when a form posted without JavaScript is
-- refused, its error and what was typed are stored here under an unguessable reference, and the
-- browser is sent back to the form with only that reference in the address (never the values).
-- A draft belongs to the account that typed it (none for the sign-in form) and is removed an
-- hour after it was made.
CREATE TABLE form_drafts (
    reference  TEXT PRIMARY KEY,
    user_id    BIGINT,
    fn_path    TEXT NOT NULL,
    error      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX form_drafts_created ON form_drafts (created_at);
