-- AlterTable
ALTER TABLE "OutboundMessage" ADD COLUMN     "fileData" BYTEA,
ADD COLUMN     "fileMime" TEXT,
ADD COLUMN     "fileName" TEXT;

-- CreateTable
CREATE TABLE "DigestRun" (
    "id" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "localDate" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'daily',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DigestRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReminderRound" (
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "chatId" TEXT,
    "ticketIds" INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReminderRound_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "DigestRun_chatId_localDate_kind_key" ON "DigestRun"("chatId", "localDate", "kind");
