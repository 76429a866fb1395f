-- Mailing lists (COIN_MODULES=maillists): lists, members' subscriptions, and each list's sync state
-- (the outbox row of its push to the list server).

-- CreateTable
CREATE TABLE "MailingList" (
    "id" SERIAL NOT NULL,
    "shortName" VARCHAR(50) NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "label" VARCHAR(130) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "syncState" "SyncState" NOT NULL DEFAULT 'PENDING',
    "syncVersion" INTEGER NOT NULL DEFAULT 1,
    "syncAttempts" INTEGER NOT NULL DEFAULT 0,
    "syncNextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "syncLockedUntil" TIMESTAMPTZ(3),
    "syncLastError" TEXT,
    "syncedAt" TIMESTAMPTZ(3),

    CONSTRAINT "MailingList_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MailingListSubscription" (
    "listId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MailingListSubscription_pkey" PRIMARY KEY ("listId","memberId")
);

-- CreateIndex
CREATE UNIQUE INDEX "MailingList_shortName_key" ON "MailingList"("shortName");

-- CreateIndex
CREATE UNIQUE INDEX "MailingList_address_key" ON "MailingList"("address");

-- CreateIndex
CREATE INDEX "MailingList_syncState_syncNextAttemptAt_idx" ON "MailingList"("syncState", "syncNextAttemptAt");

-- CreateIndex
CREATE INDEX "MailingListSubscription_memberId_idx" ON "MailingListSubscription"("memberId");

-- AddForeignKey
ALTER TABLE "MailingListSubscription" ADD CONSTRAINT "MailingListSubscription_listId_fkey" FOREIGN KEY ("listId") REFERENCES "MailingList"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MailingListSubscription" ADD CONSTRAINT "MailingListSubscription_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;


