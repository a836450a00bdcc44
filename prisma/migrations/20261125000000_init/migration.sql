-- CreateTable
CREATE TABLE "Person" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "telegramId" BIGINT,
    "chatId" BIGINT,
    "language" TEXT NOT NULL DEFAULT 'de',
    "firstName" TEXT,
    "lastName" TEXT,
    "username" TEXT,
    "phone" TEXT,
    "district" TEXT,
    "consentAt" DATETIME,
    "blockedAt" DATETIME,
    "erasedAt" DATETIME,
    "courseReminders" BOOLEAN NOT NULL DEFAULT true,
    "eventReminders" BOOLEAN NOT NULL DEFAULT true,
    "broadcastsEnabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "RoleGrant" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "grantedById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RoleGrant_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RoleGrant_grantedById_fkey" FOREIGN KEY ("grantedById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Course" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "titleDe" TEXT NOT NULL,
    "titleRu" TEXT NOT NULL,
    "descriptionDe" TEXT NOT NULL,
    "descriptionRu" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "attendanceThreshold" REAL NOT NULL DEFAULT 0.75,
    "startsOn" DATETIME NOT NULL,
    "endsOn" DATETIME NOT NULL,
    "place" TEXT NOT NULL,
    "instructorId" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'open',
    "closedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Course_instructorId_fkey" FOREIGN KEY ("instructorId") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CourseSession" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "courseId" INTEGER NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "attendanceTakenAt" DATETIME,
    CONSTRAINT "CourseSession_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Enrollment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "courseId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "enrolledAt" DATETIME,
    "endedAt" DATETIME,
    "statusSetByHand" BOOLEAN NOT NULL DEFAULT false,
    "fullName" TEXT,
    "phone" TEXT,
    "germanLevel" TEXT,
    "outcomeAtLeaving" TEXT,
    "outcomeAfter6m" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Enrollment_courseId_fkey" FOREIGN KEY ("courseId") REFERENCES "Course" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Enrollment_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Attendance" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sessionId" INTEGER NOT NULL,
    "enrollmentId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "markedById" INTEGER,
    "markedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Attendance_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CourseSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attendance_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Attendance_markedById_fkey" FOREIGN KEY ("markedById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Event" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "titleDe" TEXT NOT NULL,
    "titleRu" TEXT NOT NULL,
    "descriptionDe" TEXT NOT NULL,
    "descriptionRu" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "place" TEXT NOT NULL,
    "capacity" INTEGER,
    "asksPartySize" BOOLEAN NOT NULL DEFAULT false,
    "seriesKey" TEXT,
    "organiserId" INTEGER,
    "checkinCode" TEXT,
    "cancelledAt" DATETIME,
    "attendanceClosedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Event_organiserId_fkey" FOREIGN KEY ("organiserId") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Rsvp" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "partySize" INTEGER NOT NULL DEFAULT 1,
    "requestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkedInAt" DATETIME,
    "checkedInById" INTEGER,
    CONSTRAINT "Rsvp_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Rsvp_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EventWalkIn" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "recordedById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EventWalkIn_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SponsorProfile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "languages" TEXT NOT NULL,
    "areas" TEXT NOT NULL,
    "districts" TEXT NOT NULL,
    "availability" TEXT NOT NULL,
    "maxFamilies" INTEGER NOT NULL DEFAULT 1,
    "about" TEXT,
    "shareContact" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "SponsorProfile_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SponsorshipRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "personId" INTEGER NOT NULL,
    "areas" TEXT NOT NULL,
    "languages" TEXT NOT NULL,
    "district" TEXT,
    "familySize" INTEGER,
    "childrenAges" TEXT,
    "contactTimes" TEXT,
    "note" TEXT,
    "shareContact" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'open',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "matchedAt" DATETIME,
    "closedAt" DATETIME,
    CONSTRAINT "SponsorshipRequest_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Sponsorship" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "requestId" INTEGER NOT NULL,
    "sponsorId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'proposed',
    "proposedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondedAt" DATETIME,
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "endReason" TEXT,
    CONSTRAINT "Sponsorship_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "SponsorshipRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Sponsorship_sponsorId_fkey" FOREIGN KEY ("sponsorId") REFERENCES "SponsorProfile" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Reminder" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "personId" INTEGER NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "cancelledAt" DATETIME,
    "failedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sessionId" INTEGER,
    "eventId" INTEGER,
    "sponsorshipId" INTEGER,
    "enrollmentId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Reminder_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reminder_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "CourseSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reminder_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reminder_sponsorshipId_fkey" FOREIGN KEY ("sponsorshipId") REFERENCES "Sponsorship" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Reminder_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "Enrollment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "createdById" INTEGER,
    "audience" TEXT NOT NULL,
    "textDe" TEXT NOT NULL,
    "textRu" TEXT NOT NULL,
    "photoFileId" TEXT,
    "documentFileId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "scheduledFor" DATETIME,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "progressChatId" BIGINT,
    "progressMessageId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Broadcast_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "BroadcastDelivery" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "broadcastId" INTEGER NOT NULL,
    "personId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimedBy" TEXT,
    "claimedAt" DATETIME,
    "nextAttemptAt" DATETIME,
    "sentAt" DATETIME,
    "lastError" TEXT,
    CONSTRAINT "BroadcastDelivery_broadcastId_fkey" FOREIGN KEY ("broadcastId") REFERENCES "Broadcast" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BroadcastDelivery_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IndicatorTally" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "indicator" TEXT NOT NULL,
    "periodKind" TEXT NOT NULL,
    "periodStart" DATETIME NOT NULL,
    "scopeKey" TEXT NOT NULL,
    "numerator" REAL NOT NULL,
    "denominator" REAL,
    "computedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ManualIndicatorValue" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "indicator" TEXT NOT NULL,
    "periodKind" TEXT NOT NULL,
    "periodStart" DATETIME NOT NULL,
    "value" REAL NOT NULL,
    "source" TEXT NOT NULL,
    "enteredById" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ManualIndicatorValue_enteredById_fkey" FOREIGN KEY ("enteredById") REFERENCES "Person" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConversationState" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_telegramId_key" ON "Person"("telegramId");

-- CreateIndex
CREATE INDEX "Person_consentAt_blockedAt_idx" ON "Person"("consentAt", "blockedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RoleGrant_personId_role_key" ON "RoleGrant"("personId", "role");

-- CreateIndex
CREATE INDEX "Course_status_category_idx" ON "Course"("status", "category");

-- CreateIndex
CREATE INDEX "Course_instructorId_idx" ON "Course"("instructorId");

-- CreateIndex
CREATE INDEX "CourseSession_courseId_startsAt_idx" ON "CourseSession"("courseId", "startsAt");

-- CreateIndex
CREATE INDEX "CourseSession_startsAt_idx" ON "CourseSession"("startsAt");

-- CreateIndex
CREATE INDEX "Enrollment_courseId_status_requestedAt_idx" ON "Enrollment"("courseId", "status", "requestedAt");

-- CreateIndex
CREATE INDEX "Enrollment_personId_status_idx" ON "Enrollment"("personId", "status");

-- CreateIndex
CREATE INDEX "Enrollment_status_endedAt_idx" ON "Enrollment"("status", "endedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_courseId_personId_key" ON "Enrollment"("courseId", "personId");

-- CreateIndex
CREATE INDEX "Attendance_enrollmentId_status_idx" ON "Attendance"("enrollmentId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Attendance_sessionId_enrollmentId_key" ON "Attendance"("sessionId", "enrollmentId");

-- CreateIndex
CREATE UNIQUE INDEX "Event_checkinCode_key" ON "Event"("checkinCode");

-- CreateIndex
CREATE INDEX "Event_startsAt_kind_idx" ON "Event"("startsAt", "kind");

-- CreateIndex
CREATE INDEX "Event_seriesKey_idx" ON "Event"("seriesKey");

-- CreateIndex
CREATE INDEX "Rsvp_eventId_status_requestedAt_idx" ON "Rsvp"("eventId", "status", "requestedAt");

-- CreateIndex
CREATE INDEX "Rsvp_checkedInAt_idx" ON "Rsvp"("checkedInAt");

-- CreateIndex
CREATE UNIQUE INDEX "Rsvp_eventId_personId_key" ON "Rsvp"("eventId", "personId");

-- CreateIndex
CREATE INDEX "EventWalkIn_eventId_idx" ON "EventWalkIn"("eventId");

-- CreateIndex
CREATE UNIQUE INDEX "SponsorProfile_personId_key" ON "SponsorProfile"("personId");

-- CreateIndex
CREATE INDEX "SponsorProfile_status_idx" ON "SponsorProfile"("status");

-- CreateIndex
CREATE INDEX "SponsorshipRequest_status_createdAt_idx" ON "SponsorshipRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "SponsorshipRequest_personId_status_idx" ON "SponsorshipRequest"("personId", "status");

-- CreateIndex
CREATE INDEX "Sponsorship_status_proposedAt_idx" ON "Sponsorship"("status", "proposedAt");

-- CreateIndex
CREATE INDEX "Sponsorship_sponsorId_status_idx" ON "Sponsorship"("sponsorId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Reminder_dedupeKey_key" ON "Reminder"("dedupeKey");

-- CreateIndex
CREATE INDEX "Reminder_sentAt_cancelledAt_failedAt_dueAt_idx" ON "Reminder"("sentAt", "cancelledAt", "failedAt", "dueAt");

-- CreateIndex
CREATE INDEX "Reminder_personId_idx" ON "Reminder"("personId");

-- CreateIndex
CREATE INDEX "Broadcast_status_scheduledFor_idx" ON "Broadcast"("status", "scheduledFor");

-- CreateIndex
CREATE INDEX "BroadcastDelivery_broadcastId_status_nextAttemptAt_idx" ON "BroadcastDelivery"("broadcastId", "status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "BroadcastDelivery_broadcastId_personId_key" ON "BroadcastDelivery"("broadcastId", "personId");

-- CreateIndex
CREATE INDEX "IndicatorTally_periodKind_periodStart_idx" ON "IndicatorTally"("periodKind", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "IndicatorTally_indicator_periodKind_periodStart_scopeKey_key" ON "IndicatorTally"("indicator", "periodKind", "periodStart", "scopeKey");

-- CreateIndex
CREATE UNIQUE INDEX "ManualIndicatorValue_indicator_periodKind_periodStart_key" ON "ManualIndicatorValue"("indicator", "periodKind", "periodStart");

