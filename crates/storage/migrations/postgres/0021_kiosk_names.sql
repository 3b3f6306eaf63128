-- Each kiosk has a name its branch admin gave it ("Kios pintu masuk"), so that one lost or
-- replaced device can be withdrawn alone. Kiosks enrolled before have none.
ALTER TABLE kiosks ADD COLUMN name TEXT NOT NULL DEFAULT '';
