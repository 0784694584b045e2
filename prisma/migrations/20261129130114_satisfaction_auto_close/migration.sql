-- CreateEnum
CREATE TYPE "Satisfaction" AS ENUM ('hai_long', 'tam_duoc', 'chua_hai_long');

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "autoCloseRemindedAt" TIMESTAMP(3),
ADD COLUMN     "autoClosedAt" TIMESTAMP(3),
ADD COLUMN     "confirmedAt" TIMESTAMP(3),
ADD COLUMN     "reopenableUntil" TIMESTAMP(3),
ADD COLUMN     "satisfaction" "Satisfaction";
