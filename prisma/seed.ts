import type { MemberStatus, MemberType, PaymentMethod, Role } from '#app/generated/prisma/client.ts'
import { createConfiguration, getBackend } from '#app/backends/registry.server.ts'
import { chargeSubscriptions } from '#app/models/invoice/charge.server.ts'
import { setIspName, updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { generateUsername } from '#app/models/member/manage.server.ts'
import { addDays, addMonths, today } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { recordPayment } from '#app/models/payment/payments.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
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

type DemoOffer = {
  reference: string
  name: string
  description: string
  periodFeeCents: number
  initialFeeCents?: number
  nonBillable?: boolean
  visibleToMembers?: boolean
  active?: boolean
}

/** Offers like those of FFDN ISPs, one of them retired. */
const DEMO_OFFERS: DemoOffer[] = [
  { reference: 'VPN', name: 'VPN', description: 'Accès VPN (OpenVPN) avec une IPv4 fixe et un bloc IPv6, sans engagement.', periodFeeCents: 800, visibleToMembers: true },
  { reference: 'ADSL', name: 'ADSL', description: 'Ligne ADSL en marque blanche, IPv4 fixe et IPv6. Engagement de 12 mois.', periodFeeCents: 2900, initialFeeCents: 5000, visibleToMembers: true },
  { reference: 'HOUSING', name: 'Hébergement', description: 'Hébergement de serveurs d\'associations partenaires dans notre baie, non facturé.', periodFeeCents: 0, nonBillable: true },
  { reference: 'VPN2015', name: 'VPN 2015', description: 'Ancienne offre VPN, remplacée par l\'offre VPN.', periodFeeCents: 500, active: false },
]

type DemoSubscription = {
  username: string
  offer: string
  from: Date
  to?: Date
  commitmentMonths?: number
  comments?: string
  /** The resignation falls before the end of the commitment and the admin confirmed it. */
  earlyResignConfirmed?: boolean
}

/** Subscriptions in every state at `t`: active (one with a resignation to come), future, resigned. */
function demoSubscriptions(t: Date): DemoSubscription[] {
  return [
    { username: DEMO_MEMBER.username, offer: 'VPN', from: addMonths(t, -26) },
    { username: 'hdupond', offer: 'ADSL', from: addMonths(t, -8), commitmentMonths: 12 },
    { username: 'hdupond2', offer: 'VPN2015', from: new Date('2015-10-01'), comments: 'Garde l\'ancien tarif.' },
    { username: 'gemajaxdelaboetie', offer: 'VPN2015', from: new Date('2015-03-01'), to: addMonths(t, -14) },
    { username: 'gemajaxdelaboetie', offer: 'VPN', from: addDays(addMonths(t, -14), 1) },
    { username: 'lmoreau', offer: 'ADSL', from: addDays(t, 10), commitmentMonths: 12, comments: 'Mise en service prévue, modem à remettre.' },
    { username: 'ybenali', offer: 'ADSL', from: addMonths(t, -7), to: addMonths(t, -2), commitmentMonths: 12, earlyResignConfirmed: true, comments: 'Déménagement hors zone : résiliation anticipée acceptée.' },
    { username: 'igarcia', offer: 'VPN', from: addMonths(t, -20), to: addMonths(t, -3) },
    { username: 'mpetit', offer: 'VPN', from: addMonths(t, -30), to: addDays(t, 20), comments: 'Résiliation demandée : quitte la région.' },
    { username: 'lesamisdulien', offer: 'HOUSING', from: addMonths(t, -40), comments: 'Serveur 1U, baie 2.' },
    { username: 'cooperativereseaulibre', offer: 'VPN', from: addMonths(t, -16) },
    { username: 'cooperativereseaulibre', offer: 'VPN', from: addMonths(t, -5), comments: 'Second tunnel pour le local.' },
    { username: 'efaure', offer: 'VPN', from: addMonths(t, -1) },
    { username: 'plambert', offer: 'VPN', from: new Date('2020-02-01'), to: new Date('2025-01-31') },
  ]
}

type DemoFee = { username: string; end: Date; amountCents?: number; paymentMethod?: PaymentMethod; reference?: string }

/**
 * Membership fees in every state at `t`: up to date, expiring within 30 days, expired, and none
 * (tnguyen, an honorary member, and nmercier). Each fee lasts a year and ends on `end`.
 */
function demoFees(t: Date): DemoFee[] {
  return [
    { username: DEMO_MEMBER.username, end: addDays(addMonths(t, -4), -1), paymentMethod: 'TRANSFER', reference: 'COTIS-CMARTIN' },
    { username: DEMO_MEMBER.username, end: addDays(addMonths(t, 8), -1), paymentMethod: 'TRANSFER', reference: 'COTIS-CMARTIN' },
    { username: 'hdupond', end: addMonths(t, 6), paymentMethod: 'CHEQUE', reference: 'Chèque n° 4521873' },
    { username: 'hdupond2', end: addDays(t, 11), paymentMethod: 'CASH' },
    { username: 'gemajaxdelaboetie', end: addMonths(t, 3), paymentMethod: 'CASH' },
    { username: 'lmoreau', end: addMonths(t, 11), paymentMethod: 'TRANSFER', reference: 'COTIS-LMOREAU' },
    { username: 'ybenali', end: addDays(t, -45), paymentMethod: 'CHEQUE', reference: 'Chèque n° 0083112' },
    { username: 'asl', end: addDays(t, 25), paymentMethod: 'OTHER', reference: 'HelloAsso' },
    { username: 'igarcia', end: addMonths(t, -5), paymentMethod: 'TRANSFER' },
    { username: 'mpetit', end: addMonths(t, 2), paymentMethod: 'CASH' },
    { username: 'lesamisdulien', end: addMonths(t, 9), amountCents: 5000, paymentMethod: 'TRANSFER', reference: 'VIR AMIS DU LIEN' },
    { username: 'cooperativereseaulibre', end: addDays(t, -10), amountCents: 5000, paymentMethod: 'TRANSFER' },
    { username: 'efaure', end: addMonths(t, 10), paymentMethod: 'CHEQUE', reference: 'Chèque n° 1190024' },
    { username: 'plambert', end: new Date('2025-01-31'), paymentMethod: 'CASH' },
  ]
}

/**
 * Offers, subscriptions, membership fees and subscription requests for the demo members, with
 * dates relative to today so the demo stays meaningful. Does nothing when the offer VPN exists or
 * the demo members do not; returns whether it loaded anything.
 */
async function seedDemoServices() {
  const t = today()
  const subscriptions = demoSubscriptions(t)
  const fees = demoFees(t)
  const usernames = [DEMO_ADMIN.username, 'tnguyen', ...subscriptions.map((s) => s.username), ...fees.map((f) => f.username)]
  return prisma.$transaction(async (tx) => {
    if (await tx.offer.findUnique({ where: { reference: 'VPN' }, select: { id: true } })) return false
    const members = new Map(
      (await tx.member.findMany({ where: { username: { in: usernames } }, select: { id: true, username: true } })).map((m) => [m.username, m.id]),
    )
    const adminId = members.get(DEMO_ADMIN.username)
    if (adminId === undefined || !members.has(DEMO_MEMBER.username)) return false
    const offers = new Map<string, number>()
    for (const o of DEMO_OFFERS) {
      const { id } = await tx.offer.create({ data: { ...o, backend: 'none', billingPeriodMonths: 1, initialFeeCents: o.initialFeeCents ?? 0 }, select: { id: true } })
      offers.set(o.reference, id)
    }
    const subscriptionIds = new Map<string, number>()
    for (const s of subscriptions) {
      const memberId = members.get(s.username)
      if (memberId === undefined) continue
      const { id } = await tx.subscription.create({
        data: {
          memberId, offerId: offers.get(s.offer)!, subscriptionDate: s.from, resignDate: s.to ?? null,
          commitmentMonths: s.commitmentMonths ?? 0, comments: s.comments ?? '',
          ...(s.earlyResignConfirmed ? { earlyResignConfirmedAt: addDays(s.from, 100), earlyResignConfirmedBy: adminId } : {}),
        },
        select: { id: true },
      })
      subscriptionIds.set(`${s.username}:${s.offer}`, id)
    }
    for (const f of fees) {
      const memberId = members.get(f.username)
      if (memberId === undefined) continue
      await tx.membershipFee.create({
        data: {
          memberId, amountCents: f.amountCents ?? 2000, startDate: addDays(addMonths(f.end, -12), 1), endDate: f.end,
          paymentMethod: f.paymentMethod ?? null, reference: f.reference ?? '',
        },
      })
    }
    const cmartin = members.get(DEMO_MEMBER.username)!
    await tx.subscriptionRequest.create({
      data: {
        memberId: cmartin, offerId: offers.get('ADSL')!, pendingKey: `${cmartin}:${offers.get('ADSL')}`,
        message: 'Bonjour, mon nouveau logement est éligible à l\'ADSL : pourriez-vous m\'ouvrir une ligne ? Je garde le VPN en attendant. Merci !',
        createdAt: addDays(new Date(), -2),
      },
    })
    const lmoreau = members.get('lmoreau')
    const approvedSubscription = subscriptionIds.get('lmoreau:ADSL')
    if (lmoreau !== undefined && approvedSubscription !== undefined) {
      await tx.subscriptionRequest.create({
        data: {
          memberId: lmoreau, offerId: offers.get('ADSL')!, status: 'APPROVED', message: 'Je souhaite passer à l\'ADSL.',
          createdAt: addDays(new Date(), -12), decidedAt: addDays(new Date(), -9), decidedById: adminId, subscriptionId: approvedSubscription,
        },
      })
    }
    const tnguyen = members.get('tnguyen')
    if (tnguyen !== undefined) {
      await tx.subscriptionRequest.create({
        data: {
          memberId: tnguyen, offerId: offers.get('ADSL')!, status: 'REJECTED', message: 'Une ligne ADSL au 12 rue des Lilas ?',
          createdAt: addDays(new Date(), -30), decidedAt: addDays(new Date(), -27), decidedById: adminId,
          rejectReason: 'Votre ligne n\'est pas éligible chez notre opérateur de collecte. L\'offre VPN reste possible.',
        },
      })
    }
    return true
  })
}

/**
 * Demo data for a first look: the ISP "FAI Démo", an admin account, twenty members in every
 * status, then offers, subscriptions, fees and requests in every state. Safe to run again: the
 * members are skipped when the admin account exists, the rest when the offer VPN exists.
 * Returns whether it loaded anything.
 */
export async function seedDemo() {
  const members = await seedDemoMembers()
  const services = await seedDemoServices()
  const network = await seedDemoNetwork()
  const billing = await seedDemoBilling()
  const database = await seedDemoIspDatabase()
  const hardware = await seedDemoHardware()
  return members || services || network || billing || database || hardware
}

/**
 * The demo ISP's equipment (shown with COIN_MODULES=hardware): two storages, item types, items
 * deployed, lent and available, and a running loan. Skipped when any item exists.
 */
async function seedDemoHardware() {
  if ((await prisma.item.count()) > 0) return false
  const [local, cave] = await Promise.all([
    prisma.storage.create({ data: { name: 'Local de la Croix-Rousse', notes: 'Ouvert le jeudi soir, 19 h – 21 h. Clé chez le trésorier.' } }),
    prisma.storage.create({ data: { name: 'Cave de la baie', notes: 'Accès avec un membre du bureau.' } }),
  ])
  const [router, antenna, modem] = await Promise.all(['Routeurs', 'Antennes', 'Modems'].map((name) => prisma.itemType.create({ data: { name } })))
  const items = await Promise.all([
    prisma.item.create({ data: { typeId: router!.id, designation: 'Omnia du local', storageId: local.id, macAddress: '04:f0:21:00:00:01', serial: 'TO-2019-001', buyDate: new Date('2019-05-02') } }),
    prisma.item.create({ data: { typeId: router!.id, designation: 'APU2 (routeur de la baie)', storageId: cave.id, serial: 'APU2-77', deployed: true, comment: 'Routeur de bordure, ne pas prêter.' } }),
    prisma.item.create({ data: { typeId: antenna!.id, designation: 'Ubiquiti NanoStation M5', storageId: local.id, macAddress: '24:a4:3c:00:00:02' } }),
    prisma.item.create({ data: { typeId: modem!.id, designation: 'Modem VDSL2 Zyxel', storageId: local.id, serial: 'ZY-4411' } }),
  ])
  // Lent to another member than the demo one, whose "Mon matériel" starts empty.
  const member = await prisma.member.findUnique({ where: { username: 'hdupond' }, select: { id: true } })
  if (member) await prisma.loan.create({ data: { itemId: items[2]!.id, memberId: member.id, startedAt: addDays(new Date(), -40), notes: 'Pour le toit de l\'immeuble.' } })
  return true
}

/** A closed ring around a point, in [longitude, latitude] (a rough outline for the demo). */
function ringAround([longitude, latitude]: [number, number], radius: number, corners = 8): [number, number][] {
  const ring = Array.from({ length: corners }, (_, i): [number, number] => {
    const angle = (2 * Math.PI * i) / corners
    return [Math.round((longitude + radius * Math.cos(angle) * 1.4) * 1e4) / 1e4, Math.round((latitude + radius * Math.sin(angle)) * 1e4) / 1e4]
  })
  return [...ring, ring[0]!]
}

/**
 * The demo ISP's public description for the FFDN database: every field of /isp.json set, and
 * covered areas with outlines, so /isp.json of a fresh start is a complete, valid example.
 * Skipped when any covered area exists.
 */
async function seedDemoIspDatabase() {
  if ((await prisma.coveredArea.count()) > 0) return false
  await prisma.ispSettings.update({
    where: { id: 1 },
    data: {
      shortname: 'FAIDémo',
      description: 'Fournisseur d\'accès à Internet associatif de démonstration : VPN, ADSL en marque blanche et Wi-Fi de quartier, à Lyon et alentour.',
      contactEmail: 'contact@fai-demo.example',
      mainMailingList: 'discussion@listes.fai-demo.example',
      logoUrl: 'https://fai-demo.example/logo.png',
      otherWebsites: { wiki: 'https://wiki.fai-demo.example', forum: 'https://forum.fai-demo.example' },
      creationDate: new Date('2011-06-18'),
      ffdnMemberSince: new Date('2012-03-10'),
      progressStatus: 7,
      chatrooms: ['irc://irc.geeknode.org/#fai-demo', 'xmpp:membres@salons.fai-demo.example?join'],
      latitude: 45.764,
      longitude: 4.8357,
      officeStreet: '12 rue de la Neutralité',
      officePostalCode: '69001',
      officeLocality: 'Lyon',
      officeRegion: 'Auvergne-Rhône-Alpes',
      officeCountry: 'France',
    },
  })
  await prisma.coveredArea.createMany({
    data: [
      { name: 'Lyon (Presqu\'île et Croix-Rousse)', technologies: ['wifi', 'vpn'], area: { type: 'Polygon', coordinates: [ringAround([4.8357, 45.7640], 0.02)] }, position: 1 },
      { name: 'Villeurbanne et Vaulx-en-Velin', technologies: ['dsl'], area: { type: 'MultiPolygon', coordinates: [[ringAround([4.8800, 45.7700], 0.015)], [[...ringAround([4.9300, 45.7800], 0.012)]]] }, position: 2 },
      { name: 'France entière', technologies: ['vpn', 'cube'], position: 3 },
    ],
  })
  return true
}

/**
 * The demo ISP's address blocks (documentation ranges): IPv4 and IPv6 pools for the VPN offers, a
 * pool for hosted servers with the subnets set aside for the ISP's own machines, and a name server.
 * With COIN_MODULES=vpn the offer VPN becomes a VPN backend offer and its current subscriptions get
 * their accounts and addresses. Skipped when any pool exists.
 */
async function seedDemoNetwork() {
  if ((await prisma.ipPool.count()) > 0) return false
  const vpnOffers = { connect: [{ reference: 'VPN' }, { reference: 'VPN2015' }] }
  await prisma.ipPool.create({ data: { name: 'VPN IPv4', network: '198.51.100.0/24', defaultPrefixLength: 32, description: 'Une adresse IPv4 fixe par abonné VPN.', offers: vpnOffers } })
  await prisma.ipPool.create({ data: { name: 'VPN IPv6', network: '2001:db8:4200::/40', defaultPrefixLength: 56, description: 'Un /56 par abonné VPN.', offers: vpnOffers } })
  const servers = await prisma.ipPool.create({ data: { name: 'Serveurs', network: '203.0.113.0/24', defaultPrefixLength: 29, description: 'Hébergement en baie.' } })
  await prisma.ipSubnet.createMany({
    data: [
      { poolId: servers.id, network: '203.0.113.0/29', comment: 'Routeurs et serveurs du FAI' },
      { poolId: servers.id, network: '203.0.113.8/29', comment: 'Réservé : future baie' },
    ],
  })
  await prisma.nameServer.create({ data: { dnsName: 'ns1.fai-demo.example', description: 'Serveur de noms principal' } })
  if (getBackend('vpn')) {
    await prisma.offer.update({ where: { reference: 'VPN' }, data: { backend: 'vpn' } })
    const running = await prisma.subscription.findMany({
      where: { offer: { reference: 'VPN' }, OR: [{ resignDate: null }, { resignDate: { gte: today() } }], subscriptionDate: { lte: today() } },
      orderBy: { id: 'asc' }, select: { id: true },
    })
    for (const { id } of running) await prisma.$transaction((tx) => createConfiguration(tx, { subscriptionId: id, actorId: null }))
  }
  return true
}

/** The demo ISP's identity: fictitious, but every identifier passes the checks of the identity form. */
export const DEMO_ISP_IDENTITY = {
  name: DEMO_ISP_NAME, address: '12 rue de la Neutralité', postalCode: '69001', city: 'Lyon', rna: 'W691234567', siret: '81234567600017',
  email: 'tresorerie@fai-demo.example', website: 'https://fai-demo.example', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP',
  bankName: 'Crédit Coopératif', chequeOrder: 'FAI Démo', vatMention: 'TVA non applicable, art. 293 B du CGI',
}

/**
 * The demo ISP's identity on invoices, then three months of billing (the two previous months
 * antidated, then this one) and payments: paid, partly paid, overpaid and unpaid accounts.
 * Skipped when any invoice exists.
 */
async function seedDemoBilling() {
  if ((await prisma.invoice.count()) > 0) return false
  await updateIspIdentity(DEMO_ISP_IDENTITY)
  const now = today()
  for (const [months, antidate] of [[-2, true], [-1, true], [0, false]] as const) {
    await chargeSubscriptions({ date: addMonths(now, months), today: now, antidate, paymentDelayDays: getEnv().PAYMENT_DELAY })
  }
  const payer = await prisma.member.findUniqueOrThrow({ where: { username: DEMO_MEMBER.username }, select: { id: true } })
  // The demo member paid everything but the last invoice, by transfers quoting the reference.
  const invoices = await prisma.invoice.findMany({ where: { memberId: payer.id, validated: true }, orderBy: { date: 'asc' }, select: { totalCents: true, number: true, date: true } })
  for (const invoice of invoices.slice(0, -1)) {
    await recordPayment({ memberId: payer.id, method: 'TRANSFER', amountCents: invoice.totalCents, date: addDays(invoice.date, 5), label: `VIR SEPA C MARTIN ${invoice.number}` })
  }
  const others = await prisma.invoice.findMany({ where: { validated: true, memberId: { not: payer.id } }, distinct: ['memberId'], orderBy: { memberId: 'asc' }, select: { memberId: true, totalCents: true, date: true } })
  for (const [index, invoice] of others.entries()) {
    if (index % 3 === 2) continue // unpaid
    // Every third pays a round 50 €, which leaves credit or part of an invoice to pay.
    const amountCents = index % 3 === 0 ? invoice.totalCents : 5000
    await recordPayment({ memberId: invoice.memberId!, method: index % 2 ? 'CHEQUE' : 'TRANSFER', amountCents, date: addDays(invoice.date, 10) })
  }
  return true
}

async function seedDemoMembers() {
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
