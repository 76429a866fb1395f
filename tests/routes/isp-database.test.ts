import { beforeAll, describe, expect, test } from 'vitest'
import { loader as rootLoader } from '#app/root.tsx'
import { action as settingsAction, loader as settingsLoader } from '#app/routes/admin.settings.tsx'
import { loader as ispJson } from '#app/routes/isp[.]json.ts'
import { loader as themeCss } from '#app/routes/theme[.]css.ts'
import { prisma } from '#app/utils/db.server.ts'
import { seedDemo } from '#prisma/seed.ts'
import { insertMember, loginAsStaff } from '#tests/factories/member.ts'
import { ffdnProblems } from '#tests/fixtures/isp-format/validate.ts'
import { makeRequest, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  await seedDemo()
  ;({ cookie } = await loginAsStaff())
})

const getIspJson = (headers: Record<string, string> = {}) => ispJson({ request: makeRequest('/isp.json', { headers }), params: {}, context: {} })
const post = (form: Record<string, string | string[]>) => settingsAction({ request: makeRequest('/admin/settings', { cookie, form }), params: {}, context: {} })

/** The form as the page shows it, then the changes. */
async function databaseForm(changes: Record<string, string>) {
  const { database } = await settingsLoader({ request: makeRequest('/admin/settings', { cookie }), params: {}, context: {} })
  return { intent: 'database', ...Object.fromEntries(Object.entries(database).map(([k, v]) => [k, v ?? ''])), ...changes }
}

describe('/isp.json', () => {
  test("the demo ISP's document is complete and valid against the FFDN schema, served as the spec asks", async () => {
    const response = await getIspJson()
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300')
    const body = await response.text()
    expect(Buffer.byteLength(body)).toBeLessThan(1024 * 1024)
    const document = JSON.parse(body)
    expect(ffdnProblems(document)).toEqual([])
    expect(Object.keys(document).sort()).toEqual([
      'chatrooms', 'coordinates', 'coveredAreas', 'creationDate', 'description', 'email', 'ffdnMemberSince', 'logoURL', 'mainMailingList',
      'memberCount', 'name', 'otherWebsites', 'progressStatus', 'registeredOffice', 'shortname', 'subscriberCount', 'version', 'website',
    ])
    expect(document).toMatchObject({
      name: 'FAI Démo', shortname: 'FAIDémo', email: 'contact@fai-demo.example', version: 0.1, progressStatus: 7, creationDate: '2011-06-18',
      registeredOffice: { 'street-address': '12 rue de la Neutralité', locality: 'Lyon', region: 'Auvergne-Rhône-Alpes', 'postal-code': '69001', 'country-name': 'France' },
      coordinates: { latitude: 45.764, longitude: 4.8357 },
    })
    expect(document.coveredAreas.map((a: { area?: { type: string } }) => a.area?.type ?? null)).toEqual(['Polygon', 'MultiPolygon', null])
    expect(document.memberCount).toBe(await prisma.member.count({ where: { status: 'MEMBER' } }))
  })

  test('answers 304 to its ETag, and the counts follow a new member and a new subscription', async () => {
    const first = await getIspJson()
    const etag = first.headers.get('ETag')!
    const before = JSON.parse(await first.text())
    const again = await getIspJson({ 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')

    const member = await insertMember({ status: 'MEMBER' })
    const offer = await prisma.offer.findFirstOrThrow({ where: { reference: 'ADSL' } })
    await prisma.subscription.create({ data: { memberId: member.id, offerId: offer.id, subscriptionDate: new Date('2026-01-01') } })
    const after = await getIspJson({ 'If-None-Match': etag })
    expect(after.status).toBe(200)
    expect(after.headers.get('ETag')).not.toBe(etag)
    const document = JSON.parse(await after.text())
    expect(document.memberCount).toBe(before.memberCount + 1)
    expect(document.subscriberCount).toBe(before.subscriberCount + 1)
  })
})

describe('the ISP record in the admin', () => {
  test('a fully filled record saves, and its document is valid', async () => {
    const response = await post(await databaseForm({
      shortname: 'ARN', description: 'Alsace Réseau Neutre', contactEmail: 'Contact@ARN.example', mainMailingList: 'membres@arn.example',
      logoUrl: 'https://arn.example/logo.svg', otherWebsites: 'wiki https://wiki.arn.example\npad: https://pad.arn.example',
      chatrooms: 'irc://irc.geeknode.org/#arn\nxmpp:arn@chat.arn.example?join\nirc://irc.geeknode.org/#arn',
      creationDate: '2012-05-01', ffdnMemberSince: '2012-11-01', progressStatus: '6', latitude: '48,5734', longitude: '7.7521',
      officeStreet: '1 rue du Réseau', officeExtended: 'Bâtiment B', officePostalCode: '67000', officeLocality: 'Strasbourg', officeRegion: 'Grand Est', officeCountry: 'France',
      primaryColor: '#7A1F3D',
    }))
    expect((response as Response).headers.get('location')).toBe('/admin/settings?databaseSaved=1#isp-database')
    const document = JSON.parse(await (await getIspJson()).text())
    expect(ffdnProblems(document)).toEqual([])
    expect(document).toMatchObject({
      shortname: 'ARN', email: 'contact@arn.example', otherWebsites: { wiki: 'https://wiki.arn.example', pad: 'https://pad.arn.example' },
      chatrooms: ['irc://irc.geeknode.org/#arn', 'xmpp:arn@chat.arn.example?join'], coordinates: { latitude: 48.5734, longitude: 7.7521 },
      registeredOffice: { 'extended-address': 'Bâtiment B' },
    })
    // The colour themes every page, through a stylesheet named by it.
    const root = await rootLoader({ request: makeRequest('/', { cookie }), params: {}, context: {} })
    expect(root.themeColor).toBe('#7a1f3d')
    const css = await themeCss({ request: makeRequest('/theme.css?color=%237a1f3d'), params: {}, context: {} })
    expect(css.headers.get('Content-Type')).toBe('text/css; charset=utf-8')
    expect(await css.text()).toContain('--color-brand-600: #7a1f3d;')
    expect((await themeCss({ request: makeRequest('/theme.css?color=red;}body{'), params: {}, context: {} })).status).toBe(404)
  })

  test.each([
    [{ shortname: 'Un nom bien trop long' }, 'shortname', 'tooLong'],
    [{ logoUrl: 'ftp://arn.example/logo.png' }, 'logoUrl', 'urlInvalid'],
    [{ logoUrl: 'logo.png' }, 'logoUrl', 'urlInvalid'],
    [{ contactEmail: 'contact at arn' }, 'contactEmail', 'emailInvalid'],
    [{ creationDate: '2012-02-30' }, 'creationDate', 'dateInvalid'],
    [{ progressStatus: '9' }, 'progressStatus', 'isp:database.errors.progressStatus'],
    [{ latitude: '48.5', longitude: '' }, 'longitude', 'isp:database.errors.coordinatesPair'],
    [{ latitude: '91', longitude: '7' }, 'latitude', 'isp:database.errors.coordinate'],
    [{ officeStreet: '', officeExtended: 'Bâtiment B' }, 'officeStreet', 'isp:database.errors.officeStreet'],
    [{ officeLocality: '' }, 'officeLocality', 'isp:database.errors.officeIncomplete'],
    [{ chatrooms: 'le salon irc' }, 'chatrooms', 'isp:database.errors.chatroom'],
    [{ otherWebsites: 'wiki wiki.arn.example' }, 'otherWebsites', 'isp:database.errors.otherWebsite'],
    [{ primaryColor: '#ffee00' }, 'primaryColor', 'isp:database.errors.contrast'],
    [{ primaryColor: 'rouge' }, 'primaryColor', 'isp:database.errors.colour'],
  ])('%o is refused on its field, and nothing is saved', async (changes, field, message) => {
    const before = await prisma.ispSettings.findUniqueOrThrow({ where: { id: 1 } })
    const response = await post(await databaseForm(changes))
    const { status, data } = unwrap(response)
    expect(status).toBe(400)
    expect(data.result.error[field]).toEqual([message])
    expect(await prisma.ispSettings.findUniqueOrThrow({ where: { id: 1 } })).toEqual(before)
  })

  test('without any email the document could not be published: refused on the contact address', async () => {
    const identity = await prisma.ispSettings.findUniqueOrThrow({ where: { id: 1 }, select: { email: true } })
    await prisma.ispSettings.update({ where: { id: 1 }, data: { email: '' } })
    try {
      const { status, data } = unwrap(await post(await databaseForm({ contactEmail: '' })))
      expect(status).toBe(400)
      expect(data.result.error.contactEmail).toEqual(['isp:database.errors.contactEmailRequired'])
      expect((await prisma.ispSettings.findUniqueOrThrow({ where: { id: 1 } })).contactEmail).not.toBe('')
    } finally {
      await prisma.ispSettings.update({ where: { id: 1 }, data: identity })
    }
  })

  test('covered areas: a pasted Feature, an uploaded FeatureCollection; a Point or an open ring refused; removal', async () => {
    const ring = [[7.7, 48.5], [7.8, 48.5], [7.8, 48.6], [7.7, 48.5]]
    const add = (form: Record<string, string | string[]>) => post({ intent: 'addArea', ...form })
    expect(((await add({ name: 'Strasbourg', technologies: ['ftth', 'wifi'], area: JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }) })) as Response).status).toBe(302)
    const refused = [
      [{ name: 'Point', technologies: 'vpn', area: JSON.stringify({ type: 'Point', coordinates: [7.7, 48.5] }) }, 'area', 'isp:database.errors.geojsonNotPolygon'],
      [{ name: 'Ouvert', technologies: 'vpn', area: JSON.stringify({ type: 'Polygon', coordinates: [ring.slice(0, 3)] }) }, 'area', 'isp:database.errors.geojsonBadCoordinates'],
      [{ name: 'Cassé', technologies: 'vpn', area: '{"type": "Polygon",' }, 'area', 'isp:database.errors.geojsonInvalidJson'],
      [{ name: 'Sans techno', area: '' }, 'technologies', 'isp:database.errors.technologies'],
      [{ name: '', technologies: 'vpn' }, 'name', 'required'],
    ] as const
    const count = await prisma.coveredArea.count()
    for (const [form, field, message] of refused) {
      const { status, data } = unwrap(await add(form))
      expect(status).toBe(400)
      expect(data.result.error[field]).toEqual([message])
    }
    expect(await prisma.coveredArea.count()).toBe(count)

    // A file sent with the form (multipart), as the page's upload field does.
    const body = new FormData()
    body.set('intent', 'addArea')
    body.set('name', 'Colmar')
    body.append('technologies', 'dsl')
    body.set('areaFile', new File([JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [[ring]] } }] })], 'colmar.geojson', { type: 'application/geo+json' }))
    const uploaded = await settingsAction({ request: new Request('http://localhost/admin/settings', { method: 'POST', headers: { Cookie: cookie }, body }), params: {}, context: {} })
    expect((uploaded as Response).status).toBe(302)
    const document = JSON.parse(await (await getIspJson()).text())
    expect(ffdnProblems(document)).toEqual([])
    expect(document.coveredAreas.slice(-2)).toEqual([
      { name: 'Strasbourg', technologies: ['ftth', 'wifi'], area: { type: 'Polygon', coordinates: [ring] } },
      { name: 'Colmar', technologies: ['dsl'], area: { type: 'MultiPolygon', coordinates: [[ring]] } },
    ])
    const colmar = await prisma.coveredArea.findFirstOrThrow({ where: { name: 'Colmar' } })
    await post({ intent: 'removeArea', areaId: String(colmar.id) })
    expect(await prisma.coveredArea.count({ where: { name: 'Colmar' } })).toBe(0)
  })
})
