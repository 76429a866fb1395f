-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "buyer" JSONB,
ADD COLUMN     "seller" JSONB;

-- AlterTable
ALTER TABLE "IspSettings" ADD COLUMN     "vatNumber" VARCHAR(20) NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "reference" VARCHAR(64) NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "AllocationRefusal" (
    "paymentId" INTEGER NOT NULL,
    "invoiceId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AllocationRefusal_pkey" PRIMARY KEY ("paymentId","invoiceId")
);

-- CreateTable
CREATE TABLE "IspLogo" (
    "sha256" CHAR(64) NOT NULL,
    "bytes" BYTEA NOT NULL,
    "mimeType" VARCHAR(20) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IspLogo_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" INTEGER,
    "action" VARCHAR(64) NOT NULL,
    "entity" VARCHAR(32) NOT NULL,
    "entityId" INTEGER NOT NULL,
    "memberId" INTEGER,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AllocationRefusal_invoiceId_idx" ON "AllocationRefusal"("invoiceId");

-- CreateIndex
CREATE INDEX "AuditEntry_memberId_at_idx" ON "AuditEntry"("memberId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_entity_entityId_idx" ON "AuditEntry"("entity", "entityId");

-- CreateIndex
CREATE INDEX "AuditEntry_actorId_at_idx" ON "AuditEntry"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- AddForeignKey
ALTER TABLE "AllocationRefusal" ADD CONSTRAINT "AllocationRefusal_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AllocationRefusal" ADD CONSTRAINT "AllocationRefusal_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Invoices validated before snapshots existed get what their PDF printed: the member and the ISP
-- as they are now (the PDFs already stored keep their bytes).
INSERT INTO "IspLogo" ("sha256", "bytes", "mimeType")
SELECT encode(sha256(logo), 'hex'), logo, "logoMimeType" FROM "IspSettings"
WHERE id = 1 AND logo IS NOT NULL AND "logoMimeType" IS NOT NULL
ON CONFLICT DO NOTHING;

ALTER TABLE "Invoice" DISABLE TRIGGER invoice_frozen;
UPDATE "Invoice" i SET
  buyer = CASE WHEN m.id IS NULL THEN NULL ELSE jsonb_build_object(
    'type', m.type::text,
    'name', CASE WHEN m.type = 'LEGAL_ENTITY' AND m."organizationName" <> '' THEN m."organizationName"
                 ELSE COALESCE(NULLIF(trim(m."firstName" || ' ' || m."lastName"), ''), m.username) END,
    'address', m.address, 'postalCode', m."postalCode", 'city', m.city, 'country', m.country,
    'email', m.email, 'language', COALESCE(m.language::text, 'fr')) END,
  seller = jsonb_build_object(
    'name', COALESCE(s.name, 'Coin'), 'address', COALESCE(s.address, ''), 'postalCode', COALESCE(s."postalCode", ''),
    'city', COALESCE(s.city, ''), 'siret', COALESCE(s.siret, ''), 'rna', COALESCE(s.rna, ''), 'vatNumber', '',
    'email', COALESCE(s.email, ''), 'website', COALESCE(s.website, ''), 'iban', COALESCE(s.iban, ''), 'bic', COALESCE(s.bic, ''),
    'bankName', COALESCE(s."bankName", ''), 'chequeOrder', COALESCE(s."chequeOrder", ''), 'vatMention', COALESCE(s."vatMention", ''),
    'latePaymentMention', COALESCE(s."latePaymentMention", ''),
    'logoSha256', CASE WHEN s.logo IS NOT NULL AND s."logoMimeType" IS NOT NULL THEN encode(sha256(s.logo), 'hex') END)
FROM "Invoice" i2
LEFT JOIN "Member" m ON m.id = i2."memberId"
LEFT JOIN "IspSettings" s ON s.id = 1
WHERE i2.id = i.id AND i.validated;
ALTER TABLE "Invoice" ENABLE TRIGGER invoice_frozen;

-- A validated invoice always says whom it was issued by.
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_validated_snapshot_check" CHECK (NOT validated OR seller IS NOT NULL);

-- The snapshots are frozen with the rest of what a validated invoice says.
CREATE OR REPLACE FUNCTION coin_invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.validated THEN
      RAISE EXCEPTION 'invoice % is validated: it cannot be deleted', OLD.number USING ERRCODE = '55000';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.validated AND (
       NEW.validated IS DISTINCT FROM OLD.validated OR NEW.number IS DISTINCT FROM OLD.number
    OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.date IS DISTINCT FROM OLD.date
    OR NEW."dueDate" IS DISTINCT FROM OLD."dueDate" OR NEW."memberId" IS DISTINCT FROM OLD."memberId"
    OR NEW."totalCents" IS DISTINCT FROM OLD."totalCents" OR NEW."creditedInvoiceId" IS DISTINCT FROM OLD."creditedInvoiceId"
    OR NEW."validatedAt" IS DISTINCT FROM OLD."validatedAt"
    OR NEW.buyer IS DISTINCT FROM OLD.buyer OR NEW.seller IS DISTINCT FROM OLD.seller
    OR (OLD."pdfSha256" IS NOT NULL AND (NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW."pdfSha256" IS DISTINCT FROM OLD."pdfSha256"))
  ) THEN
    RAISE EXCEPTION 'invoice % is validated: it cannot be changed (issue a credit note)', OLD.number USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;

-- A logo an invoice names never changes nor goes away.
CREATE FUNCTION coin_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows cannot be changed or deleted (%)', TG_TABLE_NAME, TG_OP USING ERRCODE = '55000';
END
$$;

CREATE TRIGGER isp_logo_frozen BEFORE UPDATE OR DELETE ON "IspLogo"
  FOR EACH ROW EXECUTE FUNCTION coin_refuse_change();

-- The audit log is append-only.
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION coin_refuse_change();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION coin_refuse_change();
