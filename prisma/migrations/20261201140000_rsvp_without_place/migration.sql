-- A check-in without a sign-up while the places were taken holds no place (#14).
ALTER TABLE "Rsvp" ADD COLUMN "withoutPlace" BOOLEAN NOT NULL DEFAULT false;
