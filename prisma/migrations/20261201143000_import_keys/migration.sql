-- A stable key per imported course and event, so re-running an import finds what it made before.
ALTER TABLE "Course" ADD COLUMN "importKey" TEXT;
ALTER TABLE "Event" ADD COLUMN "importKey" TEXT;
CREATE UNIQUE INDEX "Course_importKey_key" ON "Course"("importKey");
CREATE UNIQUE INDEX "Event_importKey_key" ON "Event"("importKey");
