-- CreateEnum
CREATE TYPE "BackendKind" AS ENUM ('none');

-- CreateEnum
CREATE TYPE "PaymentMethod" AS ENUM ('CASH', 'CHEQUE', 'TRANSFER', 'OTHER');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateTable
CREATE TABLE "Offer" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "reference" VARCHAR(64) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "backend" "BackendKind" NOT NULL DEFAULT 'none',
    "billingPeriodMonths" INTEGER NOT NULL DEFAULT 1,
    "periodFeeCents" INTEGER NOT NULL DEFAULT 0,
    "initialFeeCents" INTEGER NOT NULL DEFAULT 0,
    "nonBillable" BOOLEAN NOT NULL DEFAULT false,
    "visibleToMembers" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Subscription" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "offerId" INTEGER NOT NULL,
    "subscriptionDate" DATE NOT NULL,
    "resignDate" DATE,
    "commitmentMonths" INTEGER NOT NULL DEFAULT 0,
    "comments" TEXT NOT NULL DEFAULT '',
    "earlyResignConfirmedAt" TIMESTAMPTZ(3),
    "earlyResignConfirmedBy" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MembershipFee" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "startDate" DATE NOT NULL,
    "endDate" DATE NOT NULL,
    "paymentMethod" "PaymentMethod",
    "reference" VARCHAR(125) NOT NULL DEFAULT '',
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MembershipFee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SubscriptionRequest" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER NOT NULL,
    "offerId" INTEGER NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "status" "RequestStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" INTEGER,
    "rejectReason" TEXT NOT NULL DEFAULT '',
    "subscriptionId" INTEGER,
    "pendingKey" TEXT,

    CONSTRAINT "SubscriptionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Offer_reference_key" ON "Offer"("reference");

-- CreateIndex
CREATE INDEX "Subscription_memberId_idx" ON "Subscription"("memberId");

-- CreateIndex
CREATE INDEX "Subscription_offerId_subscriptionDate_idx" ON "Subscription"("offerId", "subscriptionDate");

-- CreateIndex
CREATE INDEX "MembershipFee_memberId_endDate_idx" ON "MembershipFee"("memberId", "endDate");

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionRequest_subscriptionId_key" ON "SubscriptionRequest"("subscriptionId");

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionRequest_pendingKey_key" ON "SubscriptionRequest"("pendingKey");

-- CreateIndex
CREATE INDEX "SubscriptionRequest_status_createdAt_idx" ON "SubscriptionRequest"("status", "createdAt");

-- CreateIndex
CREATE INDEX "SubscriptionRequest_memberId_idx" ON "SubscriptionRequest"("memberId");

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MembershipFee" ADD CONSTRAINT "MembershipFee_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubscriptionRequest" ADD CONSTRAINT "SubscriptionRequest_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubscriptionRequest" ADD CONSTRAINT "SubscriptionRequest_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubscriptionRequest" ADD CONSTRAINT "SubscriptionRequest_offerId_fkey" FOREIGN KEY ("offerId") REFERENCES "Offer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SubscriptionRequest" ADD CONSTRAINT "SubscriptionRequest_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Rules the database enforces whatever program writes (Prisma does not model CHECK constraints).
ALTER TABLE "Offer" ADD CONSTRAINT "Offer_amounts_check"
  CHECK ("periodFeeCents" >= 0 AND "initialFeeCents" >= 0 AND "billingPeriodMonths" BETWEEN 1 AND 120);
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_dates_check"
  CHECK ("resignDate" IS NULL OR "resignDate" >= "subscriptionDate");
ALTER TABLE "Subscription" ADD CONSTRAINT "Subscription_commitment_check"
  CHECK ("commitmentMonths" BETWEEN 0 AND 120);
ALTER TABLE "MembershipFee" ADD CONSTRAINT "MembershipFee_check"
  CHECK ("amountCents" >= 0 AND "endDate" >= "startDate");
