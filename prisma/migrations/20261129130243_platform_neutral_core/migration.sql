-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN     "storedFileId" TEXT,
ALTER COLUMN "platform" DROP NOT NULL,
ALTER COLUMN "fileId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mimeType" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChoiceMenu" (
    "id" BIGSERIAL NOT NULL,
    "platform" "Platform" NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "personId" TEXT,
    "ticketId" INTEGER,
    "options" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "ChoiceMenu_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConversationStep" (
    "id" BIGSERIAL NOT NULL,
    "platform" "Platform" NOT NULL,
    "chatExternalId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "ConversationStep_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StoredFile_sha256_idx" ON "StoredFile"("sha256");

-- CreateIndex
CREATE INDEX "ChoiceMenu_platform_chatExternalId_createdAt_idx" ON "ChoiceMenu"("platform", "chatExternalId", "createdAt");

-- CreateIndex
CREATE INDEX "ConversationStep_platform_chatExternalId_personId_createdAt_idx" ON "ConversationStep"("platform", "chatExternalId", "personId", "createdAt");

-- AddForeignKey
ALTER TABLE "Attachment" ADD CONSTRAINT "Attachment_storedFileId_fkey" FOREIGN KEY ("storedFileId") REFERENCES "StoredFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;
