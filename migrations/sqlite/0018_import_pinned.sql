-- An import is pinned to what its preview showed (issue 15): the versions of the body's return
-- for the year, its sites and its adoptions when the file was uploaded and each time its preview
-- was shown. The commit refuses, writing nothing, if any of them changed since.
ALTER TABLE import_uploads ADD COLUMN pinned TEXT;
