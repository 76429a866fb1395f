-- Invoices, credit notes, payments and their allocations. Rules the database enforces itself:
-- a subscription period is never billed twice (exclusion constraint), a subscription's set-up fee
-- is billed once, amounts are sane, and a validated invoice never changes (triggers).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('OPEN', 'CLOSED', 'TROUBLE');

-- CreateEnum
CREATE TYPE "InvoiceKind" AS ENUM ('INVOICE', 'CREDIT_NOTE');

-- CreateTable
CREATE TABLE "Invoice" (
    "id" SERIAL NOT NULL,
    "kind" "InvoiceKind" NOT NULL DEFAULT 'INVOICE',
    "memberId" INTEGER,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'OPEN',
    "date" DATE NOT NULL DEFAULT CURRENT_DATE,
    "dueDate" DATE,
    "validated" BOOLEAN NOT NULL DEFAULT false,
    "validatedAt" TIMESTAMPTZ(3),
    "number" VARCHAR(32),
    "totalCents" INTEGER NOT NULL DEFAULT 0,
    "creditedInvoiceId" INTEGER,
    "pdf" BYTEA,
    "pdfSha256" CHAR(64),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceLine" (
    "id" SERIAL NOT NULL,
    "invoiceId" INTEGER NOT NULL,
    "label" VARCHAR(200) NOT NULL,
    "unitCents" INTEGER NOT NULL,
    "quantityHundredths" INTEGER NOT NULL DEFAULT 100,
    "vatBasisPoints" INTEGER NOT NULL DEFAULT 0,
    "subscriptionId" INTEGER,
    "periodFrom" DATE,
    "periodTo" DATE,
    "isSetupFee" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "InvoiceLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InvoiceCounter" (
    "series" VARCHAR(8) NOT NULL,
    "month" CHAR(7) NOT NULL,
    "lastIndex" INTEGER NOT NULL,

    CONSTRAINT "InvoiceCounter_pkey" PRIMARY KEY ("series","month")
);

-- CreateTable
CREATE TABLE "Payment" (
    "id" SERIAL NOT NULL,
    "memberId" INTEGER,
    "method" "PaymentMethod" NOT NULL DEFAULT 'TRANSFER',
    "amountCents" INTEGER NOT NULL,
    "date" DATE NOT NULL,
    "label" VARCHAR(500) NOT NULL DEFAULT '',
    "forcedInvoiceId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PaymentAllocation" (
    "id" SERIAL NOT NULL,
    "paymentId" INTEGER NOT NULL,
    "invoiceId" INTEGER NOT NULL,
    "amountCents" INTEGER NOT NULL,

    CONSTRAINT "PaymentAllocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");

-- CreateIndex
CREATE INDEX "Invoice_memberId_date_idx" ON "Invoice"("memberId", "date");

-- CreateIndex
CREATE INDEX "Invoice_status_dueDate_idx" ON "Invoice"("status", "dueDate");

-- CreateIndex
CREATE INDEX "InvoiceLine_invoiceId_idx" ON "InvoiceLine"("invoiceId");

-- CreateIndex
CREATE INDEX "InvoiceLine_subscriptionId_idx" ON "InvoiceLine"("subscriptionId");

-- CreateIndex
CREATE INDEX "Payment_memberId_date_idx" ON "Payment"("memberId", "date");

-- CreateIndex
CREATE INDEX "PaymentAllocation_paymentId_idx" ON "PaymentAllocation"("paymentId");

-- CreateIndex
CREATE INDEX "PaymentAllocation_invoiceId_idx" ON "PaymentAllocation"("invoiceId");

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invoice" ADD CONSTRAINT "Invoice_creditedInvoiceId_fkey" FOREIGN KEY ("creditedInvoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_forcedInvoiceId_fkey" FOREIGN KEY ("forcedInvoiceId") REFERENCES "Invoice"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentAllocation" ADD CONSTRAINT "PaymentAllocation_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PaymentAllocation" ADD CONSTRAINT "PaymentAllocation_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- No overlapping billed periods for one subscription (both ends included). Credit notes carry no
-- subscription period, so they never collide with the lines they correct.
ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_no_double_billing"
  EXCLUDE USING gist ("subscriptionId" WITH =, daterange("periodFrom", "periodTo", '[]') WITH &&)
  WHERE ("subscriptionId" IS NOT NULL AND "periodFrom" IS NOT NULL AND "periodTo" IS NOT NULL);

ALTER TABLE "InvoiceLine" ADD CONSTRAINT "InvoiceLine_values_check"
  CHECK ("quantityHundredths" >= 0 AND "vatBasisPoints" BETWEEN 0 AND 10000
         AND ("periodFrom" IS NULL) = ("periodTo" IS NULL) AND ("periodTo" IS NULL OR "periodTo" >= "periodFrom"));
ALTER TABLE "Payment" ADD CONSTRAINT "Payment_amount_check" CHECK ("amountCents" > 0);
ALTER TABLE "PaymentAllocation" ADD CONSTRAINT "PaymentAllocation_amount_check" CHECK ("amountCents" > 0);
ALTER TABLE "InvoiceCounter" ADD CONSTRAINT "InvoiceCounter_check" CHECK ("lastIndex" BETWEEN 1 AND 999999);

-- A validated invoice never changes what it says: number, kind, date, due date, member, total,
-- the invoice it credits, its PDF once stored, and its lines. Only its status (open, closed,
-- trouble) and its first PDF may be written after validation. Corrections are credit notes.
CREATE FUNCTION coin_invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
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
    OR (OLD."pdfSha256" IS NOT NULL AND (NEW.pdf IS DISTINCT FROM OLD.pdf OR NEW."pdfSha256" IS DISTINCT FROM OLD."pdfSha256"))
  ) THEN
    RAISE EXCEPTION 'invoice % is validated: it cannot be changed (issue a credit note)', OLD.number USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER invoice_frozen BEFORE UPDATE OR DELETE ON "Invoice"
  FOR EACH ROW EXECUTE FUNCTION coin_invoice_frozen();

CREATE FUNCTION coin_invoice_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target integer;
BEGIN
  FOR target IN SELECT DISTINCT x FROM unnest(ARRAY[
      CASE WHEN TG_OP <> 'INSERT' THEN OLD."invoiceId" END,
      CASE WHEN TG_OP <> 'DELETE' THEN NEW."invoiceId" END]) AS x WHERE x IS NOT NULL
  LOOP
    IF EXISTS (SELECT 1 FROM "Invoice" WHERE id = target AND validated) THEN
      RAISE EXCEPTION 'invoice % is validated: its lines cannot change', target USING ERRCODE = '55000';
    END IF;
  END LOOP;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER invoice_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON "InvoiceLine"
  FOR EACH ROW EXECUTE FUNCTION coin_invoice_line_frozen();
