-- CreateTable
CREATE TABLE "BankStatementUpload" (
    "staffId" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "fileName" VARCHAR(255) NOT NULL DEFAULT '',
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BankStatementUpload_pkey" PRIMARY KEY ("staffId","sha256")
);

-- CreateIndex
CREATE INDEX "BankStatementUpload_createdAt_idx" ON "BankStatementUpload"("createdAt");

-- AddForeignKey
ALTER TABLE "BankStatementUpload" ADD CONSTRAINT "BankStatementUpload_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
