-- Dirty-period markers for the incremental tally recompute (README "Indicators").
-- Every change to a table the tallies are computed from records the stretch of time whose
-- figures it can affect; the recompute reads these, recomputes the months and quarters that
-- overlap them and deletes the markers it has consumed. A repeated stretch is deleted and inserted
-- again with a new id, so a change made while a recompute runs is never cleared by that run (not
-- INSERT OR REPLACE: inside a trigger fired by an upsert, SQLite overrides that with ABORT).
-- A migration that redefines one of these tables (copying it into a new one) drops its triggers:
-- test/indicators/incremental.test.ts checks that every table still has all three.

-- CreateTable
CREATE TABLE "TallyDirty" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "fromAt" DATETIME NOT NULL,
    "untilAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "TallyDirty_fromAt_untilAt_key" ON "TallyDirty"("fromAt", "untilAt");

-- Tallies computed before this migration were not tracked: the first run recomputes everything.
INSERT INTO "TallyDirty" ("fromAt", "untilAt") VALUES ('0000-01-01T00:00:00.000+00:00', '9999-12-31T23:59:59.999+00:00');

-- Course
CREATE TRIGGER "TallyDirty_Course_insert" AFTER INSERT ON "Course" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(NEW."startsOn", NEW."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."startsOn")) AS "f", MAX(NEW."endsOn", COALESCE(NEW."closedAt", NEW."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."endsOn")) AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(NEW."startsOn", NEW."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."startsOn")) AS "f", MAX(NEW."endsOn", COALESCE(NEW."closedAt", NEW."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."endsOn")) AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Course_update" AFTER UPDATE ON "Course" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(OLD."startsOn", OLD."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."startsOn")) AS "f", MAX(OLD."endsOn", COALESCE(OLD."closedAt", OLD."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."endsOn")) AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(OLD."startsOn", OLD."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."startsOn")) AS "f", MAX(OLD."endsOn", COALESCE(OLD."closedAt", OLD."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."endsOn")) AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(NEW."startsOn", NEW."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."startsOn")) AS "f", MAX(NEW."endsOn", COALESCE(NEW."closedAt", NEW."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."endsOn")) AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(NEW."startsOn", NEW."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."startsOn")) AS "f", MAX(NEW."endsOn", COALESCE(NEW."closedAt", NEW."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = NEW."id"), NEW."endsOn")) AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Course_delete" AFTER DELETE ON "Course" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(OLD."startsOn", OLD."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."startsOn")) AS "f", MAX(OLD."endsOn", COALESCE(OLD."closedAt", OLD."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."endsOn")) AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(OLD."startsOn", OLD."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."startsOn")) AS "f", MAX(OLD."endsOn", COALESCE(OLD."closedAt", OLD."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = OLD."id"), OLD."endsOn")) AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- CourseSession
CREATE TRIGGER "TallyDirty_CourseSession_insert" AFTER INSERT ON "CourseSession" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_CourseSession_update" AFTER UPDATE ON "CourseSession" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_CourseSession_delete" AFTER DELETE ON "CourseSession" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- Enrollment
CREATE TRIGGER "TallyDirty_Enrollment_insert" AFTER INSERT ON "Enrollment" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(NEW."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(NEW."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = NEW."courseId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(NEW."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(NEW."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = NEW."courseId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Enrollment_update" AFTER UPDATE ON "Enrollment" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(OLD."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(OLD."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = OLD."courseId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(OLD."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(OLD."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = OLD."courseId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(NEW."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(NEW."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = NEW."courseId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(NEW."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(NEW."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = NEW."courseId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Enrollment_delete" AFTER DELETE ON "Enrollment" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(OLD."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(OLD."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = OLD."courseId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(c."startsOn", c."endsOn", COALESCE((SELECT MIN(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."startsOn"), COALESCE(OLD."endedAt", c."startsOn")) AS "f", MAX(c."endsOn", COALESCE(c."closedAt", c."endsOn"), COALESCE((SELECT MAX(s."startsAt") FROM "CourseSession" s WHERE s."courseId" = c."id"), c."endsOn"), COALESCE(OLD."endedAt", c."endsOn")) AS "u" FROM "Course" c WHERE c."id" = OLD."courseId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- Attendance
CREATE TRIGGER "TallyDirty_Attendance_insert" AFTER INSERT ON "Attendance" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = NEW."sessionId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = NEW."sessionId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Attendance_update" AFTER UPDATE ON "Attendance" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = OLD."sessionId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = OLD."sessionId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = NEW."sessionId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = NEW."sessionId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Attendance_delete" AFTER DELETE ON "Attendance" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = OLD."sessionId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT s."startsAt" AS "f", s."startsAt" AS "u" FROM "CourseSession" s WHERE s."id" = OLD."sessionId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- Event
CREATE TRIGGER "TallyDirty_Event_insert" AFTER INSERT ON "Event" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Event_update" AFTER UPDATE ON "Event" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT NEW."startsAt" AS "f", NEW."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Event_delete" AFTER DELETE ON "Event" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT OLD."startsAt" AS "f", OLD."startsAt" AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- Rsvp
CREATE TRIGGER "TallyDirty_Rsvp_insert" AFTER INSERT ON "Rsvp" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Rsvp_update" AFTER UPDATE ON "Rsvp" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Rsvp_delete" AFTER DELETE ON "Rsvp" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- EventWalkIn
CREATE TRIGGER "TallyDirty_EventWalkIn_insert" AFTER INSERT ON "EventWalkIn" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_EventWalkIn_update" AFTER UPDATE ON "EventWalkIn" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = NEW."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_EventWalkIn_delete" AFTER DELETE ON "EventWalkIn" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT ev."startsAt" AS "f", ev."startsAt" AS "u" FROM "Event" ev WHERE ev."id" = OLD."eventId") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- SponsorshipRequest
CREATE TRIGGER "TallyDirty_SponsorshipRequest_insert" AFTER INSERT ON "SponsorshipRequest" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT NEW."createdAt" AS "f", CASE WHEN NEW."matchedAt" IS NULL AND NEW."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(NEW."matchedAt", NEW."closedAt"), COALESCE(NEW."closedAt", NEW."matchedAt"), NEW."createdAt") END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT NEW."createdAt" AS "f", CASE WHEN NEW."matchedAt" IS NULL AND NEW."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(NEW."matchedAt", NEW."closedAt"), COALESCE(NEW."closedAt", NEW."matchedAt"), NEW."createdAt") END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_SponsorshipRequest_update" AFTER UPDATE ON "SponsorshipRequest" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT OLD."createdAt" AS "f", CASE WHEN OLD."matchedAt" IS NULL AND OLD."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(OLD."matchedAt", OLD."closedAt"), COALESCE(OLD."closedAt", OLD."matchedAt"), OLD."createdAt") END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT OLD."createdAt" AS "f", CASE WHEN OLD."matchedAt" IS NULL AND OLD."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(OLD."matchedAt", OLD."closedAt"), COALESCE(OLD."closedAt", OLD."matchedAt"), OLD."createdAt") END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT NEW."createdAt" AS "f", CASE WHEN NEW."matchedAt" IS NULL AND NEW."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(NEW."matchedAt", NEW."closedAt"), COALESCE(NEW."closedAt", NEW."matchedAt"), NEW."createdAt") END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT NEW."createdAt" AS "f", CASE WHEN NEW."matchedAt" IS NULL AND NEW."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(NEW."matchedAt", NEW."closedAt"), COALESCE(NEW."closedAt", NEW."matchedAt"), NEW."createdAt") END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_SponsorshipRequest_delete" AFTER DELETE ON "SponsorshipRequest" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT OLD."createdAt" AS "f", CASE WHEN OLD."matchedAt" IS NULL AND OLD."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(OLD."matchedAt", OLD."closedAt"), COALESCE(OLD."closedAt", OLD."matchedAt"), OLD."createdAt") END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT OLD."createdAt" AS "f", CASE WHEN OLD."matchedAt" IS NULL AND OLD."closedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(COALESCE(OLD."matchedAt", OLD."closedAt"), COALESCE(OLD."closedAt", OLD."matchedAt"), OLD."createdAt") END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

-- Sponsorship
CREATE TRIGGER "TallyDirty_Sponsorship_insert" AFTER INSERT ON "Sponsorship" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(NEW."proposedAt", COALESCE(NEW."startedAt", NEW."proposedAt")) AS "f", CASE WHEN NEW."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(NEW."endedAt", NEW."proposedAt", COALESCE(NEW."startedAt", NEW."endedAt")) END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(NEW."proposedAt", COALESCE(NEW."startedAt", NEW."proposedAt")) AS "f", CASE WHEN NEW."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(NEW."endedAt", NEW."proposedAt", COALESCE(NEW."startedAt", NEW."endedAt")) END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Sponsorship_update" AFTER UPDATE ON "Sponsorship" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(OLD."proposedAt", COALESCE(OLD."startedAt", OLD."proposedAt")) AS "f", CASE WHEN OLD."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(OLD."endedAt", OLD."proposedAt", COALESCE(OLD."startedAt", OLD."endedAt")) END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(OLD."proposedAt", COALESCE(OLD."startedAt", OLD."proposedAt")) AS "f", CASE WHEN OLD."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(OLD."endedAt", OLD."proposedAt", COALESCE(OLD."startedAt", OLD."endedAt")) END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(NEW."proposedAt", COALESCE(NEW."startedAt", NEW."proposedAt")) AS "f", CASE WHEN NEW."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(NEW."endedAt", NEW."proposedAt", COALESCE(NEW."startedAt", NEW."endedAt")) END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(NEW."proposedAt", COALESCE(NEW."startedAt", NEW."proposedAt")) AS "f", CASE WHEN NEW."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(NEW."endedAt", NEW."proposedAt", COALESCE(NEW."startedAt", NEW."endedAt")) END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;

CREATE TRIGGER "TallyDirty_Sponsorship_delete" AFTER DELETE ON "Sponsorship" BEGIN
  DELETE FROM "TallyDirty" WHERE ("fromAt", "untilAt") IN (SELECT "f", "u" FROM (SELECT MIN(OLD."proposedAt", COALESCE(OLD."startedAt", OLD."proposedAt")) AS "f", CASE WHEN OLD."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(OLD."endedAt", OLD."proposedAt", COALESCE(OLD."startedAt", OLD."endedAt")) END AS "u"));
  INSERT INTO "TallyDirty" ("fromAt", "untilAt")
    SELECT "f", "u" FROM (SELECT MIN(OLD."proposedAt", COALESCE(OLD."startedAt", OLD."proposedAt")) AS "f", CASE WHEN OLD."endedAt" IS NULL THEN '9999-12-31T23:59:59.999+00:00' ELSE MAX(OLD."endedAt", OLD."proposedAt", COALESCE(OLD."startedAt", OLD."endedAt")) END AS "u") WHERE "f" IS NOT NULL AND "u" IS NOT NULL;
END;
