import 'dotenv/config'
import { defineConfig } from 'prisma/config'

// DATABASE_URL is optional here so that `prisma generate` and `prisma validate` work offline
// without a database; commands that need one receive it from `coin migrate` or the test setup.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
})
