-- The language a participant uses ("id" or "en"), for the messages Lapak sends them later.
-- A claim's is set at submission: appointments, reminders and a request for documents are
-- written in it. A walk-in ticket's is the kiosk page's: the text that calls the holder in.
-- Claims filed and tickets taken before were in Bahasa Indonesia as far as Lapak knows.
ALTER TABLE claims ADD COLUMN lang TEXT NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en'));
ALTER TABLE tickets ADD COLUMN lang TEXT NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en'));
