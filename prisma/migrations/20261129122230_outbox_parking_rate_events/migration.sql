-- AlterEnum
ALTER TYPE "OutboxStatus" ADD VALUE 'parked';

-- AlterTable
ALTER TABLE "OutboundMessage" ADD COLUMN     "failingSince" TIMESTAMP(3),
ADD COLUMN     "partsSent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unconfirmed" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "RateEvent" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RateEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RateEvent_key_at_idx" ON "RateEvent"("key", "at");
