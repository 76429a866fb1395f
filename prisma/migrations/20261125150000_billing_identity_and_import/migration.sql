-- AlterTable
ALTER TABLE "IspSettings" ADD COLUMN     "address" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "bankName" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "bic" VARCHAR(11) NOT NULL DEFAULT '',
ADD COLUMN     "chequeOrder" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "city" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "defaultVatBasisPoints" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "email" VARCHAR(254) NOT NULL DEFAULT '',
ADD COLUMN     "iban" VARCHAR(42) NOT NULL DEFAULT '',
ADD COLUMN     "latePaymentMention" VARCHAR(500) NOT NULL DEFAULT '',
ADD COLUMN     "logo" BYTEA,
ADD COLUMN     "logoMimeType" VARCHAR(20),
ADD COLUMN     "postalCode" VARCHAR(16) NOT NULL DEFAULT '',
ADD COLUMN     "rna" VARCHAR(20) NOT NULL DEFAULT '',
ADD COLUMN     "siret" VARCHAR(20) NOT NULL DEFAULT '',
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "vatMention" VARCHAR(300) NOT NULL DEFAULT '',
ADD COLUMN     "website" VARCHAR(200) NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "importKey" VARCHAR(64);

-- CreateIndex
CREATE UNIQUE INDEX "Payment_importKey_key" ON "Payment"("importKey");


ALTER TABLE "IspSettings" ADD CONSTRAINT "IspSettings_vat_check" CHECK ("defaultVatBasisPoints" BETWEEN 0 AND 10000);
ALTER TABLE "IspSettings" ADD CONSTRAINT "IspSettings_logo_check"
  CHECK (("logo" IS NULL) = ("logoMimeType" IS NULL) AND ("logoMimeType" IS NULL OR "logoMimeType" IN ('image/png', 'image/jpeg')));
