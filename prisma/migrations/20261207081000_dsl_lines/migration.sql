-- CreateTable
CREATE TABLE "DslLine" (
    "configurationId" INTEGER NOT NULL,
    "phoneNumber" VARCHAR(16) NOT NULL DEFAULT '',
    "lineReference" VARCHAR(64) NOT NULL DEFAULT '',
    "providerName" VARCHAR(64) NOT NULL DEFAULT '',
    "pppLogin" VARCHAR(64) NOT NULL DEFAULT '',
    "pppPassword" VARCHAR(128) NOT NULL DEFAULT '',
    "activationDate" DATE,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DslLine_pkey" PRIMARY KEY ("configurationId")
);

-- CreateIndex
CREATE INDEX "DslLine_phoneNumber_idx" ON "DslLine"("phoneNumber");

-- AddForeignKey
ALTER TABLE "DslLine" ADD CONSTRAINT "DslLine_configurationId_fkey" FOREIGN KEY ("configurationId") REFERENCES "ServiceConfiguration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A PPP login names one line; an empty login (a line without PPP authentication) is not a login.
CREATE UNIQUE INDEX "DslLine_pppLogin_key" ON "DslLine"("pppLogin") WHERE "pppLogin" <> '';
