-- Members search: one lower-case, unaccented text per member, indexed for substring search
-- (LIKE '%word%') with trigrams. A trigger keeps it in step with every insert and update,
-- whichever program writes the row.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '';

CREATE FUNCTION coin_member_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchText" := lower(public.unaccent(concat_ws(' ',
    NEW."username", NEW."email", NEW."firstName", NEW."lastName", NEW."nickname", NEW."organizationName")));
  RETURN NEW;
END
$$;

CREATE TRIGGER member_search_text
  BEFORE INSERT OR UPDATE ON "Member"
  FOR EACH ROW EXECUTE FUNCTION coin_member_search_text();

UPDATE "Member" SET "searchText" = '';

-- CreateIndex
CREATE INDEX "Member_searchText_idx" ON "Member" USING GIN ("searchText" gin_trgm_ops);
