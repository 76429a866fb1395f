-- AlterTable
ALTER TABLE "IspSettings" ADD COLUMN     "chatrooms" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "contactEmail" VARCHAR(254) NOT NULL DEFAULT '',
ADD COLUMN     "creationDate" DATE,
ADD COLUMN     "description" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "ffdnMemberSince" DATE,
ADD COLUMN     "latitude" DOUBLE PRECISION,
ADD COLUMN     "logoUrl" VARCHAR(500) NOT NULL DEFAULT '',
ADD COLUMN     "longitude" DOUBLE PRECISION,
ADD COLUMN     "mainMailingList" VARCHAR(254) NOT NULL DEFAULT '',
ADD COLUMN     "officeCountry" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "officeExtended" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "officeLocality" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "officePostalCode" VARCHAR(16) NOT NULL DEFAULT '',
ADD COLUMN     "officeRegion" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "officeStreet" VARCHAR(200) NOT NULL DEFAULT '',
ADD COLUMN     "otherWebsites" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "primaryColor" VARCHAR(7) NOT NULL DEFAULT '',
ADD COLUMN     "progressStatus" SMALLINT,
ADD COLUMN     "shortname" VARCHAR(15) NOT NULL DEFAULT '';

-- CreateTable
CREATE TABLE "CoveredArea" (
    "id" SERIAL NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "technologies" TEXT[],
    "area" JSONB,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CoveredArea_pkey" PRIMARY KEY ("id")
);


-- What the FFDN format allows, checked by the database too (the form says it first).
ALTER TABLE "IspSettings" ADD CONSTRAINT "IspSettings_progress_status" CHECK ("progressStatus" BETWEEN 1 AND 7);
ALTER TABLE "IspSettings" ADD CONSTRAINT "IspSettings_coordinates" CHECK (
  ("latitude" IS NULL) = ("longitude" IS NULL) AND ("latitude" IS NULL OR ("latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180))
);
ALTER TABLE "IspSettings" ADD CONSTRAINT "IspSettings_primary_color" CHECK ("primaryColor" = '' OR "primaryColor" ~ '^#[0-9a-f]{6}$');
ALTER TABLE "CoveredArea" ADD CONSTRAINT "CoveredArea_technologies" CHECK (
  cardinality("technologies") > 0 AND "technologies" <@ ARRAY['ftth', 'fttb', 'dsl', 'wifi', 'vpn', 'cube']::text[]
);
ALTER TABLE "CoveredArea" ADD CONSTRAINT "CoveredArea_area_type" CHECK ("area" IS NULL OR "area"->>'type' IN ('Polygon', 'MultiPolygon'));
