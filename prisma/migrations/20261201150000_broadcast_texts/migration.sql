-- Broadcasts carry a text per language (Person.language became a free locale code; on SQLite the
-- enum was already TEXT, so that needs no statement). The Russian texts move into "texts"; a
-- Russian text equal to the German one was "the same text for all" and needs no entry.
ALTER TABLE "Broadcast" ADD COLUMN "texts" TEXT NOT NULL DEFAULT '{}';
UPDATE "Broadcast" SET "texts" = json_object('ru', "textRu") WHERE "textRu" <> "textDe";
