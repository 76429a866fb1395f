import type { Prisma } from '#app/generated/prisma/client.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { uniqueViolation } from './errors.server.ts'
import type { LoanListQuery } from './hardware.schema.ts'

/** Loans of items to members (Coin's hardware_provisioning Loan): running while endedAt is null. */

export const LOAN_PAGE_SIZE = 50

const memberSelect = { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } satisfies Prisma.MemberSelect

const unavailable = (cause?: unknown) =>
  new DomainError({ code: 'HARDWARE_ITEM_UNAVAILABLE', message: 'hardware:errors.unavailable', status: 409, cause })

/**
 * A member declares a loan of an available item (not deployed, no running loan), starting at
 * `now`. Two members borrowing the same item at once get one loan: the partial unique index on
 * running loans refuses the second insert, which becomes the "no longer available" refusal.
 */
export async function borrowItem({ itemId, memberId, notes = '', now = new Date() }: { itemId: number; memberId: number; notes?: string; now?: Date }) {
  try {
    return await prisma.$transaction(async (tx) => {
      const item = await tx.item.findUnique({ where: { id: itemId }, select: { deployed: true, loans: { where: { endedAt: null }, select: { id: true } } } })
      if (!item) throw new DomainError({ code: 'HARDWARE_ITEM_NOT_FOUND', message: 'notFound', status: 404 })
      if (item.deployed || item.loans.length > 0) throw unavailable()
      return tx.loan.create({ data: { itemId, memberId, notes, startedAt: now }, select: { id: true } })
    })
  } catch (error) {
    if (uniqueViolation(error) === 'runningLoan') throw unavailable(error)
    throw error
  }
}

/** The running loan `loanId` of this member (the borrower), or null: anyone else's is not found. */
function findOwnRunningLoan(tx: Prisma.TransactionClient, { loanId, memberId }: { loanId: number; memberId: number }) {
  return tx.loan.findFirst({ where: { id: loanId, memberId, endedAt: null }, select: { id: true, itemId: true, startedAt: true } })
}

/** Ends a loan at `now` only if it is still running; a loan never ends before it starts. */
async function endRunningLoan(tx: Prisma.TransactionClient, { loanId, startedAt, now }: { loanId: number; startedAt: Date; now: Date }) {
  const { count } = await tx.loan.updateMany({ where: { id: loanId, endedAt: null }, data: { endedAt: now < startedAt ? startedAt : now } })
  return count > 0
}

/**
 * The borrower gives the item back and says where it now is (a storage, or null: unknown).
 * Returns false when the loan is not this member's running loan (the page answers 404).
 */
export async function returnLoan({ loanId, memberId, storageId, now = new Date() }: { loanId: number; memberId: number; storageId: number | null; now?: Date }) {
  return prisma.$transaction(async (tx) => {
    const loan = await findOwnRunningLoan(tx, { loanId, memberId })
    if (!loan) return false
    if (storageId !== null && (await tx.storage.count({ where: { id: storageId } })) === 0) {
      throw new DomainError({ code: 'HARDWARE_STORAGE_NOT_FOUND', message: 'hardware:errors.storageNotFound', status: 400, values: { field: 'storageId' } })
    }
    if (!(await endRunningLoan(tx, { loanId, startedAt: loan.startedAt, now }))) return false
    await tx.item.update({ where: { id: loan.itemId }, data: { storageId } })
    return true
  })
}

/**
 * The borrower hands the item to another member (typed by username): the loan ends at `now` and
 * the other member's starts at `now`, in one transaction. Returns false when the loan is not this
 * member's running loan; refuses an unknown member or the borrower themself.
 */
export async function transferLoan({ loanId, memberId, username, now = new Date() }: { loanId: number; memberId: number; username: string; now?: Date }) {
  return prisma.$transaction(async (tx) => {
    const loan = await findOwnRunningLoan(tx, { loanId, memberId })
    if (!loan) return false
    const to = await tx.member.findUnique({ where: { username: username.trim().toLowerCase() }, select: { id: true, isActive: true } })
    if (!to || !to.isActive) throw new DomainError({ code: 'HARDWARE_MEMBER_NOT_FOUND', message: 'memberNotFound', status: 400, values: { field: 'username' } })
    if (to.id === memberId) throw new DomainError({ code: 'HARDWARE_TRANSFER_SELF', message: 'hardware:errors.transferSelf', status: 400, values: { field: 'username' } })
    if (!(await endRunningLoan(tx, { loanId, startedAt: loan.startedAt, now }))) return false
    await tx.loan.create({ data: { itemId: loan.itemId, memberId: to.id, startedAt: now < loan.startedAt ? loan.startedAt : now } })
    return true
  })
}

/** Staff end a running loan at `now` (Coin's "end loan"); false when it was not running. */
export async function endLoan({ loanId, now = new Date() }: { loanId: number; now?: Date }) {
  return prisma.$transaction(async (tx) => {
    const loan = await tx.loan.findFirst({ where: { id: loanId, endedAt: null }, select: { startedAt: true } })
    return loan ? endRunningLoan(tx, { loanId, startedAt: loan.startedAt, now }) : false
  })
}

const loanSelect = {
  id: true, startedAt: true, endedAt: true, notes: true,
  item: { select: { id: true, designation: true, type: { select: { name: true } }, storage: { select: { name: true } } } },
  member: { select: memberSelect },
} satisfies Prisma.LoanSelect

function presentLoan({ member, ...loan }: Prisma.LoanGetPayload<{ select: typeof loanSelect }>) {
  return { ...loan, running: loan.endedAt === null, member: { id: member.id, username: member.username, name: displayName(member) } }
}

/** One page of the staff loans list: running, finished or all, of a borrower or an item, newest first. */
export async function listLoans(query: LoanListQuery) {
  const where: Prisma.LoanWhereInput = {
    ...(query.status === 'running' ? { endedAt: null } : query.status === 'finished' ? { endedAt: { not: null } } : {}),
    ...(query.member ? { member: { username: query.member.toLowerCase() } } : {}),
    ...(query.itemId ? { itemId: query.itemId } : {}),
  }
  const [total, rows] = await Promise.all([
    prisma.loan.count({ where }),
    prisma.loan.findMany({ where, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], skip: (query.page - 1) * LOAN_PAGE_SIZE, take: LOAN_PAGE_SIZE, select: loanSelect }),
  ])
  return { total, pageCount: Math.max(1, Math.ceil(total / LOAN_PAGE_SIZE)), loans: rows.map(presentLoan) }
}

/**
 * The member page: items available to borrow (with type and storage, and the storages' notes),
 * and this member's loans, running first. Only rows of `memberId` (from the session) are read.
 */
export async function getMemberHardware(memberId: number) {
  const [available, loans, storages] = await Promise.all([
    prisma.item.findMany({
      where: { deployed: false, loans: { none: { endedAt: null } } },
      orderBy: [{ designation: 'asc' }, { id: 'asc' }], take: 500,
      select: { id: true, designation: true, type: { select: { name: true } }, storage: { select: { id: true, name: true } } },
    }),
    prisma.loan.findMany({ where: { memberId }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: 200, select: loanSelect }),
    prisma.storage.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, notes: true } }),
  ])
  const presented = loans.map(presentLoan)
  return { available, running: presented.filter((l) => l.running), past: presented.filter((l) => !l.running), storages }
}
