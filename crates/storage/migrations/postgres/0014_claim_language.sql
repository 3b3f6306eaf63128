-- The language the participant filed in ("id" or "en"), set at submission: the messages
-- that follow (appointments, reminders, a request for documents) are written in it.
-- Claims filed before were filed in Bahasa Indonesia as far as Lapak knows.
ALTER TABLE claims ADD COLUMN lang TEXT NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en'));
