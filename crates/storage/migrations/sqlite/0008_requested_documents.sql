-- What the officer asked for (document kind codes, comma separated) and by when.
ALTER TABLE claims ADD COLUMN requested_documents TEXT NOT NULL DEFAULT '';
ALTER TABLE claims ADD COLUMN documents_due_at INTEGER;
