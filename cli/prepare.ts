// Runs after `npm install`: generates the Prisma client (offline, no engine download needed).
import { runPrisma } from './prisma.ts'

const result = await runPrisma(['generate'], {})
if (result.code !== 0) {
  process.stderr.write(result.stderr || result.stdout)
  process.exit(result.code)
}
