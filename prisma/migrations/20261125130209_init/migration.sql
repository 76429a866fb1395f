-- CreateEnum
CREATE TYPE "MemberStatus" AS ENUM ('PENDING', 'MEMBER', 'NOT_MEMBER');

-- CreateEnum
CREATE TYPE "MemberType" AS ENUM ('NATURAL_PERSON', 'LEGAL_ENTITY');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('MEMBER', 'STAFF', 'SUPERUSER');

-- CreateEnum
CREATE TYPE "Language" AS ENUM ('fr', 'en');

-- CreateTable
CREATE TABLE "Member" (
    "id" SERIAL NOT NULL,
    "username" VARCHAR(64) NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "type" "MemberType" NOT NULL DEFAULT 'NATURAL_PERSON',
    "firstName" VARCHAR(150) NOT NULL DEFAULT '',
    "lastName" VARCHAR(150) NOT NULL DEFAULT '',
    "nickname" VARCHAR(64) NOT NULL DEFAULT '',
    "organizationName" VARCHAR(200) NOT NULL DEFAULT '',
    "homePhone" VARCHAR(25) NOT NULL DEFAULT '',
    "mobilePhone" VARCHAR(25) NOT NULL DEFAULT '',
    "address" TEXT NOT NULL DEFAULT '',
    "postalCode" VARCHAR(16) NOT NULL DEFAULT '',
    "city" VARCHAR(200) NOT NULL DEFAULT '',
    "country" VARCHAR(200) NOT NULL DEFAULT 'France',
    "status" "MemberStatus" NOT NULL DEFAULT 'MEMBER',
    "dateJoined" DATE NOT NULL DEFAULT CURRENT_DATE,
    "resignDate" DATE,
    "comments" TEXT NOT NULL DEFAULT '',
    "sendMembershipFeesEmail" BOOLEAN NOT NULL DEFAULT true,
    "roles" "Role"[] DEFAULT ARRAY['MEMBER']::"Role"[],
    "isActive" BOOLEAN NOT NULL DEFAULT true,
    "language" "Language",
    "lastLoginAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Password" (
    "memberId" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Password_pkey" PRIMARY KEY ("memberId")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" CHAR(64) NOT NULL,
    "memberId" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ipAddress" VARCHAR(64) NOT NULL DEFAULT '',
    "userAgent" VARCHAR(300) NOT NULL DEFAULT '',

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" BIGSERIAL NOT NULL,
    "identifier" VARCHAR(254) NOT NULL,
    "ipAddress" VARCHAR(64) NOT NULL,
    "success" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IspSettings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "name" VARCHAR(200) NOT NULL,

    CONSTRAINT "IspSettings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Member_username_key" ON "Member"("username");

-- CreateIndex
CREATE UNIQUE INDEX "Member_email_key" ON "Member"("email");

-- CreateIndex
CREATE INDEX "Member_status_username_idx" ON "Member"("status", "username");

-- CreateIndex
CREATE INDEX "Member_lastName_firstName_idx" ON "Member"("lastName", "firstName");

-- CreateIndex
CREATE INDEX "Session_memberId_idx" ON "Session"("memberId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_identifier_at_idx" ON "LoginAttempt"("identifier", "at");

-- CreateIndex
CREATE INDEX "LoginAttempt_ipAddress_at_idx" ON "LoginAttempt"("ipAddress", "at");

-- AddForeignKey
ALTER TABLE "Password" ADD CONSTRAINT "Password_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
