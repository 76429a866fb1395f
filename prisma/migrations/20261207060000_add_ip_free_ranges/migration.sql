-- The free addresses of each pool, kept as maximal ranges (first and last address, as /32 or
-- /128 inets) by triggers on "IpPool" and "IpSubnet": the allocator reads the first few ranges of
-- a pool in address order instead of walking every subnet (a /32 IPv6 pool with 100,000 /56s
-- took 40-45 ms to walk; see bench/ip-allocate.ts). Whatever writes subnets (the app, raw SQL,
-- a bulk INSERT ... SELECT) keeps the ranges exact.

-- CreateTable
CREATE TABLE "IpFreeRange" (
    "poolId" INTEGER NOT NULL,
    "first" INET NOT NULL,
    "last" INET NOT NULL,

    CONSTRAINT "IpFreeRange_pkey" PRIMARY KEY ("poolId","first")
);

-- AddForeignKey
ALTER TABLE "IpFreeRange" ADD CONSTRAINT "IpFreeRange_poolId_fkey" FOREIGN KEY ("poolId") REFERENCES "IpPool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An address as a host (/32 or /128), so that addresses compare as numbers: PostgreSQL orders
-- inets of different prefix lengths by their common prefix first.
CREATE FUNCTION coin_ip_host(address inet) RETURNS inet LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT set_masklen(address, CASE family(address) WHEN 4 THEN 32 ELSE 128 END)
$$;

-- The first and the last address of a network, as hosts.
CREATE FUNCTION coin_ip_first(block inet) RETURNS inet LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT set_masklen(network(block)::inet, CASE family(block) WHEN 4 THEN 32 ELSE 128 END)
$$;
CREATE FUNCTION coin_ip_last(block inet) RETURNS inet LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT set_masklen(broadcast(block), CASE family(block) WHEN 4 THEN 32 ELSE 128 END)
$$;

-- Writers of one pool's subnets and free ranges queue on this lock (class 7110, the pool id),
-- taken by the allocator before it reads the ranges and by the triggers below.
CREATE FUNCTION coin_ip_lock_pool(pool integer) RETURNS void LANGUAGE sql AS $$
  SELECT pg_advisory_xact_lock(7110, pool)
$$;

-- Recomputes a pool's free ranges from its subnets: the gaps before, between and after them.
CREATE FUNCTION coin_ip_rebuild_free_ranges(pool integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "IpFreeRange" WHERE "poolId" = pool;
  INSERT INTO "IpFreeRange" ("poolId", "first", "last")
  WITH p AS (
    SELECT coin_ip_first("network") AS f, coin_ip_last("network") AS l FROM "IpPool" WHERE "id" = pool
  ), s AS (
    SELECT coin_ip_first("network") AS f, coin_ip_last("network") AS l,
           lag(coin_ip_last("network")) OVER (ORDER BY "network") AS previous_l
    FROM "IpSubnet" WHERE "poolId" = pool
  ), before_each AS (
    -- previous_l + 1 cannot overflow: this subnet starts above it.
    SELECT CASE WHEN s.previous_l IS NULL THEN p.f ELSE s.previous_l + 1 END AS gap_f, s.f AS next_f
    FROM s, p
  )
  SELECT pool, gap_f, next_f - 1 FROM before_each WHERE gap_f < next_f
  UNION ALL
  SELECT pool, tail.l + 1, p.l FROM p, (SELECT max(l) AS l FROM s) tail WHERE tail.l < p.l
  UNION ALL
  SELECT pool, p.f, p.l FROM p WHERE NOT EXISTS (SELECT 1 FROM s);
END $$;

-- The addresses first..last (inside the pool) are no longer free: the range holding them is cut.
CREATE FUNCTION coin_ip_take_range(pool integer, f inet, l inet) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  holder record;
BEGIN
  SELECT r."first", r."last" INTO holder FROM "IpFreeRange" r
  WHERE r."poolId" = pool AND r."first" <= f ORDER BY r."first" DESC LIMIT 1;
  IF NOT FOUND OR holder."last" < l THEN
    -- Not a free range: the ranges disagree with the subnets (they cannot through these triggers).
    PERFORM coin_ip_rebuild_free_ranges(pool);
    RETURN;
  END IF;
  DELETE FROM "IpFreeRange" WHERE "poolId" = pool AND "first" = holder."first";
  IF holder."first" < f THEN
    INSERT INTO "IpFreeRange" VALUES (pool, holder."first", f - 1);
  END IF;
  IF l < holder."last" THEN
    INSERT INTO "IpFreeRange" VALUES (pool, l + 1, holder."last");
  END IF;
END $$;

-- The addresses first..last are free again: merged with the free ranges right before and after.
CREATE FUNCTION coin_ip_give_range(pool integer, f inet, l inet) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  below record;
  above record;
  merged_f inet := f;
  merged_l inet := l;
BEGIN
  SELECT r."first", r."last" INTO below FROM "IpFreeRange" r
  WHERE r."poolId" = pool AND r."first" < f ORDER BY r."first" DESC LIMIT 1;
  SELECT r."first", r."last" INTO above FROM "IpFreeRange" r
  WHERE r."poolId" = pool AND r."first" >= f ORDER BY r."first" LIMIT 1;
  IF (below."last" IS NOT NULL AND below."last" >= f) OR (above."first" IS NOT NULL AND above."first" <= l) THEN
    PERFORM coin_ip_rebuild_free_ranges(pool);
    RETURN;
  END IF;
  -- below.last < f and above.first > l: the + 1 cannot overflow.
  IF below."last" IS NOT NULL AND below."last" + 1 = f THEN
    DELETE FROM "IpFreeRange" WHERE "poolId" = pool AND "first" = below."first";
    merged_f := below."first";
  END IF;
  IF above."first" IS NOT NULL AND l + 1 = above."first" THEN
    DELETE FROM "IpFreeRange" WHERE "poolId" = pool AND "first" = above."first";
    merged_l := above."last";
  END IF;
  INSERT INTO "IpFreeRange" VALUES (pool, merged_f, merged_l);
END $$;

-- A statement that writes more subnets of one pool than this rebuilds the pool's ranges once
-- (one ordered pass) instead of cutting them subnet by subnet.
CREATE FUNCTION coin_ip_bulk_threshold() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 64 $$;

CREATE FUNCTION coin_ip_subnets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pool record;
  subnet record;
BEGIN
  FOR pool IN SELECT "poolId" AS id, count(*) AS n FROM new_rows GROUP BY 1 ORDER BY 1 LOOP
    PERFORM coin_ip_lock_pool(pool.id);
    IF pool.n > coin_ip_bulk_threshold() THEN
      PERFORM coin_ip_rebuild_free_ranges(pool.id);
    ELSE
      FOR subnet IN SELECT "network" FROM new_rows WHERE "poolId" = pool.id ORDER BY "network" LOOP
        PERFORM coin_ip_take_range(pool.id, coin_ip_first(subnet."network"), coin_ip_last(subnet."network"));
      END LOOP;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

CREATE FUNCTION coin_ip_subnets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pool record;
  subnet record;
BEGIN
  FOR pool IN SELECT "poolId" AS id, count(*) AS n FROM old_rows GROUP BY 1 ORDER BY 1 LOOP
    PERFORM coin_ip_lock_pool(pool.id);
    IF pool.n > coin_ip_bulk_threshold() THEN
      PERFORM coin_ip_rebuild_free_ranges(pool.id);
    ELSE
      FOR subnet IN SELECT "network" FROM old_rows WHERE "poolId" = pool.id ORDER BY "network" LOOP
        PERFORM coin_ip_give_range(pool.id, coin_ip_first(subnet."network"), coin_ip_last(subnet."network"));
      END LOOP;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

-- A subnet that moves (another network or pool) frees its old addresses and takes its new ones.
CREATE FUNCTION coin_ip_subnets_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  pool record;
  subnet record;
BEGIN
  FOR pool IN
    SELECT moved."poolId" AS id, count(*) AS n
    FROM old_rows o JOIN new_rows n USING ("id"), LATERAL (VALUES (o."poolId"), (n."poolId")) AS moved ("poolId")
    WHERE o."network" IS DISTINCT FROM n."network" OR o."poolId" <> n."poolId"
    GROUP BY 1 ORDER BY 1
  LOOP
    PERFORM coin_ip_lock_pool(pool.id);
    IF pool.n > coin_ip_bulk_threshold() THEN
      PERFORM coin_ip_rebuild_free_ranges(pool.id);
      CONTINUE;
    END IF;
    FOR subnet IN
      SELECT o."network" FROM old_rows o JOIN new_rows n USING ("id")
      WHERE o."poolId" = pool.id AND (o."network" IS DISTINCT FROM n."network" OR o."poolId" <> n."poolId") ORDER BY 1
    LOOP
      PERFORM coin_ip_give_range(pool.id, coin_ip_first(subnet."network"), coin_ip_last(subnet."network"));
    END LOOP;
    FOR subnet IN
      SELECT n."network" FROM old_rows o JOIN new_rows n USING ("id")
      WHERE n."poolId" = pool.id AND (o."network" IS DISTINCT FROM n."network" OR o."poolId" <> n."poolId") ORDER BY 1
    LOOP
      PERFORM coin_ip_take_range(pool.id, coin_ip_first(subnet."network"), coin_ip_last(subnet."network"));
    END LOOP;
  END LOOP;
  RETURN NULL;
END $$;

-- TRUNCATE frees every pool.
CREATE FUNCTION coin_ip_subnets_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM coin_ip_lock_pool("id") FROM "IpPool" ORDER BY "id";
  PERFORM coin_ip_rebuild_free_ranges("id") FROM "IpPool";
  RETURN NULL;
END $$;

CREATE TRIGGER "IpSubnet_free_ranges_insert" AFTER INSERT ON "IpSubnet"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coin_ip_subnets_inserted();
CREATE TRIGGER "IpSubnet_free_ranges_delete" AFTER DELETE ON "IpSubnet"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION coin_ip_subnets_deleted();
CREATE TRIGGER "IpSubnet_free_ranges_update" AFTER UPDATE ON "IpSubnet"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coin_ip_subnets_updated();
CREATE TRIGGER "IpSubnet_free_ranges_truncate" AFTER TRUNCATE ON "IpSubnet"
  FOR EACH STATEMENT EXECUTE FUNCTION coin_ip_subnets_truncated();

-- A new pool is one free range; a pool whose network changes gets its ranges recomputed.
CREATE FUNCTION coin_ip_pool_free_ranges() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR OLD."network" IS DISTINCT FROM NEW."network" THEN
    PERFORM coin_ip_lock_pool(NEW."id");
    PERFORM coin_ip_rebuild_free_ranges(NEW."id");
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "IpPool_free_ranges" AFTER INSERT OR UPDATE OF "network" ON "IpPool"
  FOR EACH ROW EXECUTE FUNCTION coin_ip_pool_free_ranges();

-- Pools that exist already.
SELECT coin_ip_rebuild_free_ranges("id") FROM "IpPool";
