import type { Prisma } from '#app/generated/prisma/client.ts'
import { findMemberByIdOrUsername } from '#app/models/member/lookup.server.ts'
import { memberSearchWhere } from '#app/models/member/list.server.ts'
import { displayName } from '#app/models/member/username.ts'
import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { escapeLike } from '#app/utils/like.ts'
import { uniqueViolation } from './errors.server.ts'
import type { Availability, ItemInput, ItemListQuery } from './hardware.schema.ts'

/** The items' queries and changes for the staff pages (Coin's hardware_provisioning Item). */

export const ITEM_PAGE_SIZE = 50

const memberSelect = { id: true, username: true, type: true, firstName: true, lastName: true, nickname: true, organizationName: true } satisfies Prisma.MemberSelect

const running = { endedAt: null } satisfies Prisma.LoanWhereInput

/** Available = not deployed and no running loan; borrowed = a running loan; deployed = in production. */
export function availabilityWhere(availability: Availability | undefined): Prisma.ItemWhereInput {
  if (availability === 'available') return { deployed: false, loans: { none: running } }
  if (availability === 'borrowed') return { loans: { some: running } }
  if (availability === 'deployed') return { deployed: true }
  return {}
}

function listWhere({ q, availability, typeId, storageId, owner }: Omit<ItemListQuery, 'page'>): Prisma.ItemWhereInput {
  const words = q.split(/\s+/).filter(Boolean).slice(0, 8)
  return {
    ...availabilityWhere(availability),
    ...(typeId ? { typeId } : {}),
    ...(storageId ? { storageId } : {}),
    ...(owner === 'association' ? { ownerId: null } : owner ? { owner: { username: owner.toLowerCase() } } : {}),
    // Each word in the designation, the MAC address, the serial, or the owner's names.
    AND: words.map((word) => ({
      OR: [
        { designation: { contains: escapeLike(word), mode: 'insensitive' } },
        { macAddress: { contains: escapeLike(word.toLowerCase().replaceAll('-', ':')) } },
        { serial: { contains: escapeLike(word), mode: 'insensitive' } },
        { owner: memberSearchWhere({ q: word, status: undefined }) },
      ],
    })),
  }
}

const itemSelect = {
  id: true, designation: true, macAddress: true, serial: true, buyDate: true, deployed: true, comment: true,
  type: { select: { id: true, name: true } },
  storage: { select: { id: true, name: true } },
  owner: { select: memberSelect },
  loans: { where: running, select: { id: true, startedAt: true, member: { select: memberSelect } } },
} satisfies Prisma.ItemSelect

type ItemRow = Prisma.ItemGetPayload<{ select: typeof itemSelect }>

function present({ owner, loans, ...item }: ItemRow) {
  const loan = loans[0] ?? null
  return {
    ...item,
    owner: owner && { id: owner.id, username: owner.username, name: displayName(owner) },
    loan: loan && { id: loan.id, startedAt: loan.startedAt, member: { id: loan.member.id, username: loan.member.username, name: displayName(loan.member) } },
    available: !item.deployed && !loan,
  }
}

/** One page of the staff items list. */
export async function listItems(query: ItemListQuery) {
  const where = listWhere(query)
  const [total, rows] = await Promise.all([
    prisma.item.count({ where }),
    prisma.item.findMany({ where, orderBy: [{ designation: 'asc' }, { id: 'asc' }], skip: (query.page - 1) * ITEM_PAGE_SIZE, take: ITEM_PAGE_SIZE, select: itemSelect }),
  ])
  return { total, pageCount: Math.max(1, Math.ceil(total / ITEM_PAGE_SIZE)), items: rows.map(present) }
}

/** Every item matching the filters, for the inventory CSV. */
export async function listItemsForExport(query: Omit<ItemListQuery, 'page'>) {
  const rows = await prisma.item.findMany({ where: listWhere(query), orderBy: [{ designation: 'asc' }, { id: 'asc' }], select: itemSelect })
  return rows.map(present)
}

/** One item with its loans, newest first, for the staff edit page. */
export async function getItem(id: number) {
  const row = await prisma.item.findUnique({ where: { id }, select: { ...itemSelect, storageId: true, typeId: true } })
  if (!row) return null
  const loans = await prisma.loan.findMany({
    where: { itemId: id }, orderBy: { startedAt: 'desc' }, take: 100,
    select: { id: true, startedAt: true, endedAt: true, notes: true, member: { select: memberSelect } },
  })
  return {
    ...present(row),
    storageId: row.storageId,
    typeId: row.typeId,
    loans: loans.map((l) => ({ ...l, member: { id: l.member.id, username: l.member.username, name: displayName(l.member) } })),
  }
}

const FIELD_OF = { mac: 'macAddress', serial: 'serial' } as const

/** The item's columns from the form: the owner typed as a member number or username. */
async function itemData({ owner, ...input }: ItemInput) {
  const member = owner ? await findMemberByIdOrUsername(owner) : null
  if (owner && !member) throw new DomainError({ code: 'HARDWARE_OWNER_NOT_FOUND', message: 'memberNotFound', status: 400, values: { field: 'owner' } })
  return { ...input, ownerId: member?.id ?? null }
}

/** A unique MAC or serial already taken, as the message on its field; other errors pass. */
function takenError(error: unknown): never {
  const rule = uniqueViolation(error)
  if (rule === 'mac' || rule === 'serial') {
    throw new DomainError({ code: `HARDWARE_${rule.toUpperCase()}_TAKEN`, message: `hardware:errors.${rule}Taken`, status: 400, cause: error, values: { field: FIELD_OF[rule] } })
  }
  throw error
}

/**
 * Adds an item. A MAC address or serial another item has is refused on its field ('' may
 * repeat): the database's partial unique indexes decide, so two staff saving at once cannot both
 * win. A type or storage that does not exist is refused on its field.
 */
export async function createItem(input: ItemInput) {
  const data = await itemData(input)
  await checkReferences(data)
  return prisma.item.create({ data, select: { id: true } }).catch(takenError)
}

/** Changes an item (same rules as createItem); false when it does not exist. */
export async function updateItem(id: number, input: ItemInput) {
  const data = await itemData(input)
  await checkReferences(data)
  const { count } = await prisma.item.updateMany({ where: { id }, data }).catch(takenError)
  return count > 0
}

async function checkReferences({ typeId, storageId }: { typeId: number; storageId: number | null }) {
  const [type, storage] = await Promise.all([
    prisma.itemType.count({ where: { id: typeId } }),
    storageId === null ? 1 : prisma.storage.count({ where: { id: storageId } }),
  ])
  if (!type) throw new DomainError({ code: 'HARDWARE_TYPE_NOT_FOUND', message: 'hardware:errors.typeNotFound', status: 400, values: { field: 'typeId' } })
  if (!storage) throw new DomainError({ code: 'HARDWARE_STORAGE_NOT_FOUND', message: 'hardware:errors.storageNotFound', status: 400, values: { field: 'storageId' } })
}

/** Deletes an item and its loans' history; false when it does not exist. */
export async function deleteItem(id: number) {
  const { count } = await prisma.item.deleteMany({ where: { id } })
  return count > 0
}

/**
 * Coin's "Rendre le matériel": the items come back to the association. Their running loans end
 * at `now` and, when a storage is given, they are put there. Returns how many items changed.
 */
export async function giveBackItems({ ids, storageId, now = new Date() }: { ids: number[]; storageId: number | null; now?: Date }) {
  return prisma.$transaction(async (tx) => {
    if (storageId !== null && (await tx.storage.count({ where: { id: storageId } })) === 0) {
      throw new DomainError({ code: 'HARDWARE_STORAGE_NOT_FOUND', message: 'hardware:errors.storageNotFound', status: 400, values: { field: 'storageId' } })
    }
    const ended = await tx.loan.updateMany({ where: { itemId: { in: ids }, endedAt: null }, data: { endedAt: now } })
    const moved = storageId === null ? { count: 0 } : await tx.item.updateMany({ where: { id: { in: ids } }, data: { storageId } })
    return Math.max(ended.count, moved.count)
  })
}
