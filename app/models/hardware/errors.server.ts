import { Prisma } from '#app/generated/prisma/client.ts'

/**
 * Which of the hardware tables' unique rules a failed write broke: 'mac', 'serial',
 * 'runningLoan', 'name', or null when it is not a unique violation. The partial unique indexes
 * of the migration are named after what they guard; Prisma reports either the index or its
 * columns, depending on the driver.
 */
export function uniqueViolation(error: unknown): 'mac' | 'serial' | 'runningLoan' | 'name' | null {
  const isUnique = (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') || sqlStateOf(error) === '23505'
  if (!isUnique) return null
  const text = JSON.stringify((error as { meta?: unknown }).meta ?? {}) + String((error as Error).message)
  if (/Loan_itemId_running_key|itemId/.test(text)) return 'runningLoan'
  if (/macAddress/.test(text)) return 'mac'
  if (/serial/.test(text)) return 'serial'
  return 'name'
}

function sqlStateOf(error: unknown): string | null {
  if (!error || typeof error !== 'object' || !('meta' in error)) return null
  const meta = error.meta as { driverAdapterError?: { cause?: { originalCode?: string; code?: string } } } | undefined
  return meta?.driverAdapterError?.cause?.originalCode ?? meta?.driverAdapterError?.cause?.code ?? null
}
