-- CreateTable
CREATE TABLE "FeedCache" (
    "name" VARCHAR(64) NOT NULL,
    "url" VARCHAR(2000) NOT NULL,
    "entries" JSONB NOT NULL DEFAULT '[]',
    "fetchedAt" TIMESTAMPTZ(3),
    "lastError" VARCHAR(500),
    "checkedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FeedCache_pkey" PRIMARY KEY ("name")
);
