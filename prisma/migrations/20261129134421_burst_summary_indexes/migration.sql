-- CreateTable
CREATE TABLE "SupportSummary" (
    "id" BIGSERIAL NOT NULL,
    "platform" "Platform" NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "ticketIds" INTEGER[],
    "refreshPending" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SupportSummary_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SupportSummary_platform_chatExternalId_createdAt_idx" ON "SupportSummary"("platform", "chatExternalId", "createdAt");

-- CreateIndex
CREATE INDEX "OutboundMessage_platform_chatExternalId_purpose_createdAt_idx" ON "OutboundMessage"("platform", "chatExternalId", "purpose", "createdAt");

-- CreateIndex
CREATE INDEX "Ticket_reporterId_createdAt_idx" ON "Ticket"("reporterId", "createdAt");

-- Ticket numbers come from the ticket id sequence from now on, not from a counter row locked until
-- each creating transaction commits. The sequence starts past every number the counter handed out.
SELECT setval(
  pg_get_serial_sequence('"Ticket"', 'id'),
  GREATEST((SELECT COALESCE(max("id"), 0) FROM "Ticket"), (SELECT COALESCE(max("value"), 0) FROM "Counter" WHERE "name" LIKE 'ticket:%'), 1),
  EXISTS (SELECT 1 FROM "Ticket") OR EXISTS (SELECT 1 FROM "Counter" WHERE "name" LIKE 'ticket:%' AND "value" > 0)
);
