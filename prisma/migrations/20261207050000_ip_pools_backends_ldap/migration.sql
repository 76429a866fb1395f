-- CreateEnum
CREATE TYPE "SyncState" AS ENUM ('PENDING', 'SYNCED', 'FAILED');

-- AlterTable
-- Backends are registered by code (app/backends/), not by an enum: keep every offer's kind.
ALTER TABLE "Offer" ALTER COLUMN "backend" DROP DEFAULT,
ALTER COLUMN "backend" TYPE VARCHAR(32) USING "backend"::text,
ALTER COLUMN "backend" SET DEFAULT 'none';

-- DropEnum
DROP TYPE "BackendKind";

-- CreateTable
CREATE TABLE "IpPool" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "network" INET NOT NULL,
    "defaultPrefixLength" SMALLINT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IpPool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IpSubnet" (
    "id" SERIAL NOT NULL,
    "poolId" INTEGER NOT NULL,
    "network" INET NOT NULL,
    "configurationId" INTEGER,
    "delegateReverseDns" BOOLEAN NOT NULL DEFAULT false,
    "comment" VARCHAR(255) NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IpSubnet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NameServer" (
    "id" SERIAL NOT NULL,
    "dnsName" VARCHAR(255) NOT NULL,
    "description" VARCHAR(255) NOT NULL DEFAULT '',
    "ownerId" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NameServer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReverseDnsEntry" (
    "id" SERIAL NOT NULL,
    "ip" INET NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "ttl" INTEGER NOT NULL DEFAULT 3600,
    "subnetId" INTEGER NOT NULL,

    CONSTRAINT "ReverseDnsEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ServiceConfiguration" (
    "id" SERIAL NOT NULL,
    "subscriptionId" INTEGER NOT NULL,
    "backend" VARCHAR(32) NOT NULL,
    "comment" VARCHAR(512) NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ServiceConfiguration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VpnConfiguration" (
    "configurationId" INTEGER NOT NULL,
    "login" VARCHAR(50) NOT NULL,
    "passwordHash" VARCHAR(256),
    "activated" BOOLEAN NOT NULL DEFAULT false,
    "ipv4Endpoint" INET,
    "ipv6Endpoint" INET,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "VpnConfiguration_pkey" PRIMARY KEY ("configurationId")
);

-- CreateTable
CREATE TABLE "LdapSync" (
    "key" VARCHAR(64) NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "entityId" INTEGER NOT NULL,
    "dn" VARCHAR(512),
    "state" "SyncState" NOT NULL DEFAULT 'PENDING',
    "version" INTEGER NOT NULL DEFAULT 1,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "syncedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LdapSync_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "_IpPoolToOffer" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_IpPoolToOffer_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateTable
CREATE TABLE "_IpSubnetToNameServer" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_IpSubnetToNameServer_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "IpPool_name_key" ON "IpPool"("name");

-- CreateIndex
CREATE INDEX "IpSubnet_poolId_network_idx" ON "IpSubnet"("poolId", "network");

-- CreateIndex
CREATE INDEX "IpSubnet_configurationId_idx" ON "IpSubnet"("configurationId");

-- CreateIndex
CREATE UNIQUE INDEX "ReverseDnsEntry_ip_key" ON "ReverseDnsEntry"("ip");

-- CreateIndex
CREATE INDEX "ReverseDnsEntry_subnetId_idx" ON "ReverseDnsEntry"("subnetId");

-- CreateIndex
CREATE UNIQUE INDEX "ServiceConfiguration_subscriptionId_key" ON "ServiceConfiguration"("subscriptionId");

-- CreateIndex
CREATE INDEX "ServiceConfiguration_backend_idx" ON "ServiceConfiguration"("backend");

-- CreateIndex
CREATE UNIQUE INDEX "VpnConfiguration_login_key" ON "VpnConfiguration"("login");

-- CreateIndex
CREATE INDEX "LdapSync_state_nextAttemptAt_idx" ON "LdapSync"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "LdapSync_kind_entityId_idx" ON "LdapSync"("kind", "entityId");

-- CreateIndex
CREATE INDEX "_IpPoolToOffer_B_index" ON "_IpPoolToOffer"("B");

-- CreateIndex
CREATE INDEX "_IpSubnetToNameServer_B_index" ON "_IpSubnetToNameServer"("B");

-- AddForeignKey
ALTER TABLE "IpSubnet" ADD CONSTRAINT "IpSubnet_poolId_fkey" FOREIGN KEY ("poolId") REFERENCES "IpPool"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IpSubnet" ADD CONSTRAINT "IpSubnet_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ServiceConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NameServer" ADD CONSTRAINT "NameServer_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReverseDnsEntry" ADD CONSTRAINT "ReverseDnsEntry_subnetId_fkey" FOREIGN KEY ("subnetId") REFERENCES "IpSubnet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ServiceConfiguration" ADD CONSTRAINT "ServiceConfiguration_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "VpnConfiguration" ADD CONSTRAINT "VpnConfiguration_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ServiceConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_IpPoolToOffer" ADD CONSTRAINT "_IpPoolToOffer_A_fkey" FOREIGN KEY ("A") REFERENCES "IpPool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_IpPoolToOffer" ADD CONSTRAINT "_IpPoolToOffer_B_fkey" FOREIGN KEY ("B") REFERENCES "Offer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_IpSubnetToNameServer" ADD CONSTRAINT "_IpSubnetToNameServer_A_fkey" FOREIGN KEY ("A") REFERENCES "IpSubnet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_IpSubnetToNameServer" ADD CONSTRAINT "_IpSubnetToNameServer_B_fkey" FOREIGN KEY ("B") REFERENCES "NameServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- ---- What the database itself guarantees about addresses (ADR 010) ----

-- No host bits: 10.0.0.1/24 is not a network (the application says which one was meant).
ALTER TABLE "IpPool" ADD CONSTRAINT "IpPool_network_no_host_bits" CHECK ("network" = network("network")::inet);
ALTER TABLE "IpSubnet" ADD CONSTRAINT "IpSubnet_network_no_host_bits" CHECK ("network" = network("network")::inet);
ALTER TABLE "IpPool" ADD CONSTRAINT "IpPool_default_prefix_length" CHECK (
  "defaultPrefixLength" >= masklen("network") AND "defaultPrefixLength" <= CASE family("network") WHEN 4 THEN 32 ELSE 128 END
);
ALTER TABLE "ReverseDnsEntry" ADD CONSTRAINT "ReverseDnsEntry_ttl_min" CHECK ("ttl" >= 60);

-- Two pools never share an address, nor do two subnets: even two concurrent allocations, or raw
-- SQL, cannot hand out one address twice. (inet_ops is PostgreSQL's GiST operator class for
-- inet; && is "overlaps", which includes "equals" and "contains".)
ALTER TABLE "IpPool" ADD CONSTRAINT "IpPool_no_overlap" EXCLUDE USING gist ("network" inet_ops WITH &&);
ALTER TABLE "IpSubnet" ADD CONSTRAINT "IpSubnet_no_overlap" EXCLUDE USING gist ("network" inet_ops WITH &&);

-- A subnet lies inside its pool, and a pool cannot shrink away from its subnets.
CREATE FUNCTION coin_ip_subnet_inside_pool() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "IpPool" p WHERE p."id" = NEW."poolId" AND NEW."network" <<= p."network") THEN
    RAISE EXCEPTION 'subnet % is outside its pool', NEW."network" USING ERRCODE = 'check_violation', CONSTRAINT = 'IpSubnet_inside_pool';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "IpSubnet_inside_pool" BEFORE INSERT OR UPDATE OF "network", "poolId" ON "IpSubnet"
  FOR EACH ROW EXECUTE FUNCTION coin_ip_subnet_inside_pool();

CREATE FUNCTION coin_ip_pool_keeps_subnets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "IpSubnet" s WHERE s."poolId" = NEW."id" AND NOT s."network" <<= NEW."network") THEN
    RAISE EXCEPTION 'pool % would leave subnets outside', NEW."network" USING ERRCODE = 'check_violation', CONSTRAINT = 'IpPool_keeps_subnets';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "IpPool_keeps_subnets" BEFORE UPDATE OF "network" ON "IpPool"
  FOR EACH ROW EXECUTE FUNCTION coin_ip_pool_keeps_subnets();
