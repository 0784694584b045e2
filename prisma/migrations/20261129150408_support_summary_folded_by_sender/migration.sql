-- AlterTable
ALTER TABLE "SupportSummary" DROP COLUMN "refreshPending";
