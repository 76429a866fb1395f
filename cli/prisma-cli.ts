// `npm run prisma -- <args>`: the Prisma CLI against Coin's database (embedded unless DATABASE_URL),
// working offline through the schema-engine bridge when no native engine is installed.
import { init } from '#app/utils/env.server.ts'
import { openDatabase } from './database.ts'
import { runPrisma } from './prisma.ts'

init()
const database = await openDatabase()
const result = await runPrisma(process.argv.slice(2), { databaseUrl: database.url, inherit: true })
await database.close()
process.exit(result.code)
