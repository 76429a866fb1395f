import { prisma } from '#app/utils/db.server.ts'
import { DomainError } from '#app/utils/errors.server.ts'
import { uniqueViolation } from './errors.server.ts'

/** Storages (lieux de stockage) and item types, with their item counts. */

const nameTaken = (error: unknown): never => {
  if (uniqueViolation(error) === 'name') throw new DomainError({ code: 'HARDWARE_NAME_TAKEN', message: 'hardware:errors.nameTaken', status: 400, cause: error, values: { field: 'name' } })
  throw error
}

/** Every storage with its notes and how many items it holds. */
export async function listStorages() {
  const rows = await prisma.storage.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, notes: true, _count: { select: { items: true } } } })
  return rows.map(({ _count, ...s }) => ({ ...s, itemCount: _count.items }))
}

/** Every item type with how many items it has. */
export async function listItemTypes() {
  const rows = await prisma.itemType.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, _count: { select: { items: true } } } })
  return rows.map(({ _count, ...s }) => ({ ...s, itemCount: _count.items }))
}

export function createStorage(data: { name: string; notes: string }) {
  return prisma.storage.create({ data, select: { id: true } }).catch(nameTaken)
}

export async function updateStorage(id: number, data: { name: string; notes: string }) {
  const { count } = await prisma.storage.updateMany({ where: { id }, data }).catch(nameTaken)
  return count > 0
}

/** Deletes a storage; its items' storage becomes unknown. */
export async function deleteStorage(id: number) {
  const { count } = await prisma.storage.deleteMany({ where: { id } })
  return count > 0
}

export function createItemType(data: { name: string }) {
  return prisma.itemType.create({ data, select: { id: true } }).catch(nameTaken)
}

export async function updateItemType(id: number, data: { name: string }) {
  const { count } = await prisma.itemType.updateMany({ where: { id }, data }).catch(nameTaken)
  return count > 0
}

/** Deletes an item type that no item has; refused (typeInUse) otherwise. */
export async function deleteItemType(id: number) {
  if ((await prisma.item.count({ where: { typeId: id } })) > 0) {
    throw new DomainError({ code: 'HARDWARE_TYPE_IN_USE', message: 'hardware:errors.typeInUse', status: 409 })
  }
  const { count } = await prisma.itemType.deleteMany({ where: { id } })
  return count > 0
}
