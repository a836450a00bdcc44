-- Retention counts from the last day a person used the bot.
ALTER TABLE "Person" ADD COLUMN "lastActiveAt" DATETIME;

-- People who were here before the column existed count as active at their row's last change.
UPDATE "Person" SET "lastActiveAt" = "updatedAt" WHERE "erasedAt" IS NULL;

-- CreateIndex
CREATE INDEX "Person_lastActiveAt_idx" ON "Person"("lastActiveAt");
