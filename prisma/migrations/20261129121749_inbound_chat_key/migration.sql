-- AlterTable
ALTER TABLE "InboundUpdate" ADD COLUMN     "chatKey" TEXT;

-- CreateIndex
CREATE INDEX "InboundUpdate_platform_chatKey_processedAt_id_idx" ON "InboundUpdate"("platform", "chatKey", "processedAt", "id");

-- Updates still waiting when this runs take their chat from the stored payload, so ordering holds across the upgrade.
UPDATE "InboundUpdate" SET "chatKey" = COALESCE(
    "payload" #>> '{message,chat,id}',
    "payload" #>> '{edited_message,chat,id}',
    "payload" #>> '{callback_query,message,chat,id}',
    "payload" #>> '{my_chat_member,chat,id}')
WHERE "processedAt" IS NULL AND "platform" = 'telegram';
