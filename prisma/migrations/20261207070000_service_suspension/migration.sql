-- When a configuration's service was suspended because its subscription ended (the daily
-- suspend-ended-services job, or a resignation recorded after the fact).
ALTER TABLE "ServiceConfiguration" ADD COLUMN "suspendedAt" TIMESTAMPTZ(3);
