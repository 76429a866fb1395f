import { describe, expect, test } from 'vitest'
import { pngSize, svgToPng } from '#app/integrations/images/render.server.ts'
import { updateIspIdentity } from '#app/models/isp/settings.server.ts'
import { MEMBER_CARD_PNG_SIZE, memberCardTexts } from '#app/models/member/card.server.ts'
import { loader as adminPdfLoader } from '#app/routes/admin.members.$memberId.card[.pdf].tsx'
import { loader as adminPngLoader } from '#app/routes/admin.members.$memberId.card[.png].tsx'
import { loader as pdfLoader } from '#app/routes/card[.pdf].tsx'
import { loader as pngLoader } from '#app/routes/card[.png].tsx'
import { loader as profileLoader } from '#app/routes/profile.tsx'
import { parseIsoDate } from '#app/utils/dates.ts'
import { prisma } from '#app/utils/db.server.ts'
import { insertMember, loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { pdfText } from '#tests/integration/pdf-text.ts'
import { makeRequest, settle } from './request.ts'

const d = (iso: string) => parseIsoDate(iso)!

async function insertFee(memberId: number, startDate: string, endDate: string) {
  await prisma.membershipFee.create({ data: { memberId, amountCents: 2000, startDate: d(startDate), endDate: d(endDate) } })
}

type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, never> }) => Promise<Response>

async function get(loader: Loader, path: string, { cookie, params = {}, headers }: { cookie?: string; params?: Record<string, string>; headers?: Record<string, string> } = {}) {
  return (await settle(() => loader({ request: makeRequest(path, { cookie, headers }), params, context: {} }))) as Response
}

const bytes = async (response: Response) => new Uint8Array(await response.arrayBuffer())

describe('member card', () => {
  test('the card says what the latest fee covers: up to date until its end, expired, or no fee at all', async () => {
    const upToDate = await loginAs({ firstName: 'Léa', lastName: 'Moreau' })
    await insertFee(upToDate.member.id, '2019-09-01', '2020-08-31')
    await insertFee(upToDate.member.id, '2098-09-01', '2099-08-31')
    const expired = await loginAs({ firstName: 'Marc', lastName: 'Petit' })
    await insertFee(expired.member.id, '2019-09-01', '2020-08-31')
    const none = await loginAs({ type: 'LEGAL_ENTITY', organizationName: 'Café des Sports SARL' })

    const text = async (cookie: string, headers?: Record<string, string>) => {
      const response = await get(pdfLoader, '/card.pdf', { cookie, headers })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/pdf')
      return pdfText(await bytes(response))
    }
    const fresh = await text(upToDate.cookie)
    expect(fresh).toContain('Léa Moreau')
    expect(fresh).toContain(`Identifiant : ${upToDate.member.username}`)
    expect(fresh).toContain("Membre à jour jusqu'au 31 août 2099")
    expect(fresh).not.toContain('expirée')

    const old = await text(expired.cookie)
    expect(old).toContain('Marc Petit')
    expect(old).toContain('Cotisation expirée')
    expect(old).not.toContain('Membre à jour')

    const organisation = await text(none.cookie)
    expect(organisation).toContain('Café des Sports SARL')
    expect(organisation).toContain('Aucune cotisation enregistrée')

    const english = await text(upToDate.cookie, { 'Accept-Language': 'en' })
    expect(english).toContain('Member in good standing until 31 August 2099')
    expect(await text(expired.cookie, { 'Accept-Language': 'en' })).toContain('Membership fee expired')
  })

  test('the alt text says the whole card in one sentence', () => {
    const member = { type: 'NATURAL_PERSON' as const, firstName: 'Léa', lastName: 'Moreau', organizationName: '', username: 'lmoreau' }
    const fee = { endDate: d('2027-08-31'), status: 'upToDate' as const }
    expect(memberCardTexts({ member, fee, ispName: 'Illyse', language: 'fr' }).alt).toBe("Carte d'adhérent de Léa Moreau : membre à jour jusqu'au 31 août 2027")
    expect(memberCardTexts({ member, fee: { ...fee, status: 'expiringSoon' }, ispName: 'Illyse', language: 'en' }).alt)
      .toBe('Member card of Léa Moreau: member in good standing until 31 August 2027')
    expect(memberCardTexts({ member, fee: { ...fee, status: 'expired' }, ispName: 'Illyse', language: 'fr' }).status)
      .toEqual({ kind: 'expired', text: 'Cotisation expirée' })
  })

  test('the PNG has the card\'s size, differs from member to member, and a browser holding it gets 304', async () => {
    const first = await loginAs({ firstName: 'Léa', lastName: 'Moreau' })
    await insertFee(first.member.id, '2098-09-01', '2099-08-31')
    const second = await loginAs({ firstName: 'Marc', lastName: 'Petit' })

    const response = await get(pngLoader, '/card.png', { cookie: first.cookie })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    expect(response.headers.get('cache-control')).toMatch(/^private/)
    const png = await bytes(response)
    expect(pngSize(png)).toEqual(MEMBER_CARD_PNG_SIZE)
    expect(MEMBER_CARD_PNG_SIZE).toEqual({ width: 1712, height: 1080 })
    // Text, a coloured band and a status badge: far from a blank picture of this size.
    expect(png.byteLength).toBeGreaterThan(20_000)
    const otherResponse = await get(pngLoader, '/card.png', { cookie: second.cookie })
    const other = await bytes(otherResponse)
    expect(pngSize(other)).toEqual(MEMBER_CARD_PNG_SIZE)
    expect(Buffer.from(other).equals(Buffer.from(png))).toBe(false)

    const etag = response.headers.get('etag')!
    expect(etag).toMatch(/^".+"$/)
    const again = await get(pngLoader, '/card.png', { cookie: first.cookie, headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    // Another member's ETag is another card.
    expect((await get(pngLoader, '/card.png', { cookie: second.cookie, headers: { 'If-None-Match': etag } })).status).toBe(200)
    // A new fee changes what the card says, so its ETag.
    await insertFee(second.member.id, '2098-09-01', '2099-08-31')
    const renewed = await get(pngLoader, '/card.png', { cookie: second.cookie })
    const secondPdf = await get(pdfLoader, '/card.pdf', { cookie: second.cookie })
    expect(renewed.headers.get('etag')).not.toBe(otherResponse.headers.get('etag'))
    expect((await get(pdfLoader, '/card.pdf', { cookie: second.cookie, headers: { 'If-None-Match': secondPdf.headers.get('etag')! } })).status).toBe(304)
  })

  test('the profile page shows the card with an alt text saying what it says', async () => {
    const { member, cookie } = await loginAs({ firstName: 'Léa', lastName: 'Moreau' })
    await insertFee(member.id, '2098-09-01', '2099-08-31')
    const data = await profileLoader({ request: makeRequest('/profile', { cookie }), params: {}, context: {} })
    expect(data.cardAlt).toBe("Carte d'adhérent de Léa Moreau : membre à jour jusqu'au 31 août 2099")
  })

  test('logged out: to the login page', async () => {
    const response = await get(pngLoader, '/card.png')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fcard.png')
  })

  test('staff get any member\'s card; a member asking for another\'s gets 404', async () => {
    const target = await insertMember({ firstName: 'Marc', lastName: 'Petit' })
    await insertFee(target.id, '2019-09-01', '2020-08-31')
    const params = { memberId: String(target.id) }
    const path = `/admin/members/${target.id}/card`
    const member = await loginAs()
    expect((await get(adminPngLoader, `${path}.png`, { cookie: member.cookie, params })).status).toBe(404)
    expect((await get(adminPdfLoader, `${path}.pdf`, { cookie: member.cookie, params })).status).toBe(404)

    const staff = await loginAsStaff()
    const png = await get(adminPngLoader, `${path}.png`, { cookie: staff.cookie, params })
    expect(png.status).toBe(200)
    expect(pngSize(await bytes(png))).toEqual(MEMBER_CARD_PNG_SIZE)
    const pdf = await get(adminPdfLoader, `${path}.pdf`, { cookie: staff.cookie, params })
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="carte-adherent-${target.username}.pdf"`)
    const text = await pdfText(await bytes(pdf))
    expect(text).toContain('Marc Petit')
    expect(text).toContain('Cotisation expirée')
    expect((await get(adminPngLoader, '/admin/members/999999999/card.png', { cookie: staff.cookie, params: { memberId: '999999999' } })).status).toBe(404)
    expect((await get(adminPngLoader, '/admin/members/x/card.png', { cookie: staff.cookie, params: { memberId: 'x' } })).status).toBe(404)
  })

  test('with the ISP\'s logo and colour, the card changes (and so does its ETag)', async () => {
    const { cookie } = await loginAs()
    const before = await get(pngLoader, '/card.png', { cookie })
    const logo = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><rect width="120" height="60" fill="#c2410c"/><circle cx="30" cy="30" r="20" fill="#fff"/></svg>')
    await updateIspIdentity({ name: 'FAI de Test', logo: new Uint8Array(logo), logoMimeType: 'image/png', primaryColor: '#1e40af' })
    try {
      const after = await get(pngLoader, '/card.png', { cookie })
      expect(after.status).toBe(200)
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'))
      const png = await bytes(after)
      expect(pngSize(png)).toEqual(MEMBER_CARD_PNG_SIZE)
      expect(Buffer.from(png).equals(Buffer.from(await bytes(before)))).toBe(false)
      expect(await pdfText(await bytes(await get(pdfLoader, '/card.pdf', { cookie })))).toContain('FAI de Test')
    } finally {
      await updateIspIdentity({ name: 'Coin', logo: null, logoMimeType: null, primaryColor: '' })
    }
  })
})
