-- Hardware provisioning (COIN_MODULES=hardware): item types, storages, items and loans.

-- CreateTable
CREATE TABLE "ItemType" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Storage" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Storage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Item" (
    "id" SERIAL NOT NULL,
    "typeId" INTEGER NOT NULL,
    "designation" VARCHAR(100) NOT NULL,
    "storageId" INTEGER,
    "macAddress" VARCHAR(17) NOT NULL DEFAULT '',
    "serial" VARCHAR(250) NOT NULL DEFAULT '',
    "buyDate" DATE,
    "ownerId" INTEGER,
    "deployed" BOOLEAN NOT NULL DEFAULT false,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Loan" (
    "id" SERIAL NOT NULL,
    "itemId" INTEGER NOT NULL,
    "memberId" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "notes" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "Loan_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ItemType_name_key" ON "ItemType"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Storage_name_key" ON "Storage"("name");

-- CreateIndex
CREATE INDEX "Item_typeId_idx" ON "Item"("typeId");

-- CreateIndex
CREATE INDEX "Item_storageId_idx" ON "Item"("storageId");

-- CreateIndex
CREATE INDEX "Item_ownerId_idx" ON "Item"("ownerId");

-- CreateIndex
CREATE INDEX "Loan_itemId_startedAt_idx" ON "Loan"("itemId", "startedAt");

-- CreateIndex
CREATE INDEX "Loan_memberId_startedAt_idx" ON "Loan"("memberId", "startedAt");

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_typeId_fkey" FOREIGN KEY ("typeId") REFERENCES "ItemType"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_storageId_fkey" FOREIGN KEY ("storageId") REFERENCES "Storage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Item" ADD CONSTRAINT "Item_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- What Prisma cannot express.

-- MAC and serial are unique when present; '' means unknown and may repeat.
CREATE UNIQUE INDEX "Item_macAddress_present_key" ON "Item"("macAddress") WHERE "macAddress" <> '';
CREATE UNIQUE INDEX "Item_serial_present_key" ON "Item"("serial") WHERE "serial" <> '';

-- The MAC address is stored in lower-case colon form, or ''.
ALTER TABLE "Item" ADD CONSTRAINT "Item_macAddress_format_check"
    CHECK ("macAddress" = '' OR "macAddress" ~ '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$');

-- At most one running loan (endedAt IS NULL) per item: two concurrent borrows make one loan.
CREATE UNIQUE INDEX "Loan_itemId_running_key" ON "Loan"("itemId") WHERE "endedAt" IS NULL;

-- A loan does not end before it starts.
ALTER TABLE "Loan" ADD CONSTRAINT "Loan_dates_check" CHECK ("endedAt" IS NULL OR "endedAt" >= "startedAt");
