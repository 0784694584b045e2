-- CreateEnum
CREATE TYPE "WebRole" AS ENUM ('commune', 'department', 'support', 'leaders', 'admin');

-- CreateTable
CREATE TABLE "WebLoginToken" (
    "tokenHash" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebLoginToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "WebSession" (
    "tokenHash" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "role" "WebRole" NOT NULL,
    "communeCode" TEXT,
    "departmentCode" TEXT,
    "csrfToken" TEXT NOT NULL,
    "flash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "WebSession_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateIndex
CREATE INDEX "WebLoginToken_personId_createdAt_idx" ON "WebLoginToken"("personId", "createdAt");

-- CreateIndex
CREATE INDEX "WebSession_personId_idx" ON "WebSession"("personId");

-- CreateIndex
CREATE INDEX "WebSession_expiresAt_idx" ON "WebSession"("expiresAt");

-- AddForeignKey
ALTER TABLE "WebLoginToken" ADD CONSTRAINT "WebLoginToken_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebLoginToken" ADD CONSTRAINT "WebLoginToken_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebSession" ADD CONSTRAINT "WebSession_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebSession" ADD CONSTRAINT "WebSession_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "Chat"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
