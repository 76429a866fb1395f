-- CreateTable
CREATE TABLE "CoinImportRecord" (
    "model" VARCHAR(100) NOT NULL,
    "sourcePk" VARCHAR(100) NOT NULL,
    "targetId" INTEGER NOT NULL,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CoinImportRecord_pkey" PRIMARY KEY ("model","sourcePk")
);



-- Lines of invoices imported from the original Coin keep its rounding (half to even).
ALTER TABLE "InvoiceLine" ADD COLUMN "halfEven" BOOLEAN NOT NULL DEFAULT false;
