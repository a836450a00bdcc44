-- Sponsorship history, separate phones, districts (#11, #14).
--
-- The match history is the Sponsorship rows with "startedAt" (and "endedAt" once over): they were
-- always kept when a match ended, so matches whose request an earlier version reopened (by setting
-- "matchedAt" back to null) are history rows already and need no copy; the indicators now read them.

-- The figures look up a request's matches (open requests, waiting since the last reopening).
CREATE INDEX "Sponsorship_requestId_startedAt_idx" ON "Sponsorship"("requestId", "startedAt");

-- A phone given for a sponsor profile and one given for a family request no longer share
-- Person.phone. Until now the person's phone was whichever was given last; it is the best there is
-- for both.
ALTER TABLE "SponsorProfile" ADD COLUMN "phone" TEXT;
ALTER TABLE "SponsorshipRequest" ADD COLUMN "phone" TEXT;

UPDATE "SponsorProfile" SET "phone" = (SELECT p."phone" FROM "Person" p WHERE p."id" = "SponsorProfile"."personId")
WHERE "shareContact" = 1;
UPDATE "SponsorshipRequest" SET "phone" = (SELECT p."phone" FROM "Person" p WHERE p."id" = "SponsorshipRequest"."personId")
WHERE "shareContact" = 1 AND "status" IN ('open', 'matched');

-- Person.district holds the sponsorship's district codes; names written otherwise become codes.
UPDATE "Person" SET "district" = lower(trim("district"))
WHERE lower(trim("district")) IN ('belm', 'vehrte', 'icker', 'powe', 'haltern') AND "district" <> lower(trim("district"));

-- A family's district is the one of its latest request.
UPDATE "Person" SET "district" = (
  SELECT rq."district" FROM "SponsorshipRequest" rq WHERE rq."personId" = "Person"."id" AND rq."district" IS NOT NULL
  ORDER BY rq."createdAt" DESC, rq."id" DESC LIMIT 1)
WHERE "district" IS NULL AND "erasedAt" IS NULL;

-- Offers waiting for an answer get the sponsor's own time-out row, due with the manager's.
INSERT INTO "Reminder" ("kind", "dedupeKey", "personId", "dueAt", "sponsorshipId", "createdAt")
SELECT r."kind", r."dedupeKey" || ':sponsor', sp."personId", r."dueAt", r."sponsorshipId", r."createdAt"
FROM "Reminder" r
JOIN "Sponsorship" s ON s."id" = r."sponsorshipId" AND s."status" = 'proposed'
JOIN "SponsorProfile" sp ON sp."id" = s."sponsorId"
WHERE r."kind" = 'sponsorship_offer_timeout' AND r."dedupeKey" NOT LIKE '%:sponsor'
  AND r."sentAt" IS NULL AND r."cancelledAt" IS NULL
ON CONFLICT ("dedupeKey") DO NOTHING;
