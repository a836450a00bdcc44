-- Counts changes of a session (cancelled, moved) so calendar apps replace their copy (iCalendar SEQUENCE).
ALTER TABLE "CourseSession" ADD COLUMN "sequence" INTEGER NOT NULL DEFAULT 0;
