import type { MemberStatus, MemberType, Role } from '#app/generated/prisma/client.ts'
import { setIspName } from '#app/models/isp/settings.server.ts'
import { generateUsername } from '#app/models/member/manage.server.ts'
import { prisma } from '#app/utils/db.server.ts'
import { hashPassword } from '#app/utils/password.server.ts'

export const DEMO_ISP_NAME = 'FAI Démo'
export const DEMO_ADMIN = { username: 'admin', password: 'admin-demo' }
export const DEMO_MEMBER = { username: 'cmartin', password: 'membre-demo' }

/** The rows every installation needs: the ISP settings row. Safe to run again. */
export async function seedBase({ ispName = 'Mon FAI associatif' }: { ispName?: string } = {}) {
  const existing = await prisma.ispSettings.findUnique({ where: { id: 1 }, select: { id: true } })
  if (!existing) await setIspName(ispName)
}

type DemoMember = {
  firstName?: string
  lastName?: string
  organizationName?: string
  nickname?: string
  type?: MemberType
  status: MemberStatus
  city: string
  postalCode: string
  joined: string
  resign?: string
  roles?: Role[]
  password?: string
  username?: string
  comments?: string
  feesEmail?: boolean
}

const DEMO_MEMBERS: DemoMember[] = [
  { firstName: 'Camille', lastName: 'Martin', status: 'MEMBER', city: 'Lyon', postalCode: '69003', joined: '2019-03-12', username: DEMO_MEMBER.username, password: DEMO_MEMBER.password },
  { firstName: 'Hervé', lastName: 'Dupond', status: 'MEMBER', city: 'Villeurbanne', postalCode: '69100', joined: '2014-06-01', roles: ['STAFF'], comments: 'Trésorier.' },
  { firstName: 'Hervé', lastName: 'Dupond', status: 'MEMBER', city: 'Lyon', postalCode: '69007', joined: '2016-09-20' },
  { firstName: 'Gérard-Étienne', lastName: 'Majax de la Boétie', status: 'MEMBER', city: 'Vénissieux', postalCode: '69200', joined: '2015-01-15' },
  { firstName: 'Léa', lastName: 'Moreau', status: 'MEMBER', city: 'Nantes', postalCode: '44000', joined: '2021-11-03' },
  { firstName: 'Youssef', lastName: 'Benali', status: 'MEMBER', city: 'Saint-Étienne', postalCode: '42000', joined: '2020-02-28' },
  { firstName: 'Anne-Sophie', lastName: 'Lefèvre', nickname: 'asl', status: 'MEMBER', city: 'Grenoble', postalCode: '38000', joined: '2018-05-17' },
  { firstName: 'Thomas', lastName: 'Nguyen', status: 'MEMBER', city: 'Lyon', postalCode: '69008', joined: '2022-04-09', feesEmail: false, comments: 'Membre d\'honneur : pas de relance.' },
  { firstName: 'Inès', lastName: 'Garcia', status: 'MEMBER', city: 'Bron', postalCode: '69500', joined: '2023-01-21' },
  { firstName: 'Marc', lastName: 'Petit', status: 'MEMBER', city: 'Annecy', postalCode: '74000', joined: '2017-10-02' },
  { organizationName: 'Les Amis du Lien', type: 'LEGAL_ENTITY', status: 'MEMBER', city: 'Lyon', postalCode: '69001', joined: '2016-03-30' },
  { organizationName: 'Coopérative Réseau Libre', type: 'LEGAL_ENTITY', status: 'MEMBER', city: 'Villeurbanne', postalCode: '69100', joined: '2019-07-08' },
  { firstName: 'Chloé', lastName: 'Roux', status: 'PENDING', city: 'Lyon', postalCode: '69004', joined: '2026-10-30' },
  { firstName: 'Bastien', lastName: 'Fournier', status: 'PENDING', city: 'Oullins', postalCode: '69600', joined: '2026-11-12' },
  { organizationName: 'Tiers-Lieu des Pentes', type: 'LEGAL_ENTITY', status: 'PENDING', city: 'Lyon', postalCode: '69001', joined: '2026-11-20' },
  { firstName: 'Julien', lastName: 'Girard', status: 'NOT_MEMBER', city: 'Paris', postalCode: '75011', joined: '2015-02-11', resign: '2021-12-31', comments: 'Déménagé hors zone.' },
  { firstName: 'Sophie', lastName: 'Bonnet', status: 'NOT_MEMBER', city: 'Lyon', postalCode: '69002', joined: '2018-09-01', resign: '2023-06-30' },
  { firstName: 'Paul', lastName: 'Lambert', status: 'NOT_MEMBER', city: 'Villeurbanne', postalCode: '69100', joined: '2020-01-05', resign: '2025-01-31' },
  { firstName: 'Élodie', lastName: 'Faure', status: 'MEMBER', city: 'Lyon', postalCode: '69009', joined: '2024-09-14' },
  { firstName: 'Nicolas', lastName: 'Mercier', status: 'MEMBER', city: 'Caluire-et-Cuire', postalCode: '69300', joined: '2025-02-02' },
]

const asciiSlug = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '.')

/**
 * Demo data for a first look: the ISP "FAI Démo", an admin account and twenty members in every
 * status. Does nothing when the admin account already exists.
 */
export async function seedDemo() {
  if (await prisma.member.findUnique({ where: { username: DEMO_ADMIN.username }, select: { id: true } })) return false
  await setIspName(DEMO_ISP_NAME)
  await prisma.member.create({
    data: {
      username: DEMO_ADMIN.username,
      email: 'admin@fai-demo.example',
      firstName: 'Alex',
      lastName: 'Admin',
      roles: ['MEMBER', 'STAFF', 'SUPERUSER'],
      city: 'Lyon',
      postalCode: '69001',
      address: '1 place de la Comédie',
      dateJoined: new Date('2013-10-01'),
      password: { create: { hash: await hashPassword(DEMO_ADMIN.password) } },
    },
  })
  for (const [index, m] of DEMO_MEMBERS.entries()) {
    const type = m.type ?? 'NATURAL_PERSON'
    const username = m.username ?? (await generateUsername({ type, ...m }))
    const emailLocal = m.organizationName ? asciiSlug(m.organizationName) : asciiSlug(`${m.firstName}.${m.lastName}`)
    await prisma.member.create({
      data: {
        username,
        email: `${emailLocal}${index}@exemple.fr`,
        type,
        firstName: m.firstName ?? '',
        lastName: m.lastName ?? '',
        nickname: m.nickname ?? '',
        organizationName: m.organizationName ?? '',
        status: m.status,
        city: m.city,
        postalCode: m.postalCode,
        address: `${10 + index} rue de la République`,
        mobilePhone: `06 12 34 ${String(10 + index).padStart(2, '0')} 00`,
        dateJoined: new Date(m.joined),
        resignDate: m.resign ? new Date(m.resign) : null,
        roles: ['MEMBER', ...(m.roles ?? [])],
        comments: m.comments ?? '',
        sendMembershipFeesEmail: m.feesEmail ?? true,
        ...(m.password ? { password: { create: { hash: await hashPassword(m.password) } } } : {}),
      },
    })
  }
  return true
}
