import { beforeAll, describe, expect, test } from 'vitest'
import { getIspIdentity } from '#app/models/isp/settings.server.ts'
import { loader as logoLoader } from '#app/routes/admin.settings.logo.tsx'
import { action, loader } from '#app/routes/admin.settings.tsx'
import { DEMO_ISP_IDENTITY } from '#prisma/seed.ts'
import { loginAs, loginAsStaff } from '#tests/factories/member.ts'
import { makeRequest, settle, unwrap } from './request.ts'

let cookie: string
beforeAll(async () => {
  ;({ cookie } = await loginAsStaff())
})

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0])
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01])

const validForm = (overrides: Record<string, string> = {}) => ({
  name: 'Illyse',
  address: '12 rue des Fibres\nBâtiment B',
  postalCode: '42000',
  city: 'Saint-Étienne',
  siret: '732 829 320 00074',
  rna: 'w421234567',
  email: 'Bureau@Illyse.org',
  website: 'https://www.illyse.org',
  iban: 'fr76 3000 6000 0112 3456 7890 189',
  bic: 'bnpa frpp',
  bankName: 'Crédit Coopératif',
  chequeOrder: 'Illyse',
  vatMention: 'TVA non applicable, art. 293 B du CGI',
  defaultVatPercent: '5,5',
  latePaymentMention: 'Indemnité forfaitaire de 40 € pour frais de recouvrement.',
  ...overrides,
})

/** The multipart request the settings form sends, with an optional logo file. */
function multipart(fields: Record<string, string>, logo?: { bytes: Uint8Array<ArrayBuffer>; name: string; type: string }, as = cookie) {
  const body = new FormData()
  // The file comes first, so the fields after it show that a refused file does not stop the parsing.
  body.append('logo', logo ? new File([logo.bytes], logo.name, { type: logo.type }) : new File([], '', { type: 'application/octet-stream' }))
  for (const [key, value] of Object.entries(fields)) body.append(key, value)
  return new Request('http://localhost/admin/settings', { method: 'POST', body, headers: { Cookie: as } })
}
const save = (request: Request) => action({ request, params: {}, context: {} })
const load = () => loader({ request: makeRequest('/admin/settings', { cookie }), params: {}, context: {} })
const logo = () => settle(() => logoLoader({ request: makeRequest('/admin/settings/logo', { cookie }), params: {}, context: {} }))

describe('ISP identity settings', () => {
  test('the demo identity is saved unchanged: every identifier passes the form\'s checks', async () => {
    const response = await save(makeRequest('/admin/settings', { cookie, form: { ...DEMO_ISP_IDENTITY, defaultVatPercent: '0', latePaymentMention: '' } }))
    expect((response as Response).headers.get('location')).toBe('/admin/settings?saved=1')
    expect(await getIspIdentity()).toMatchObject(DEMO_ISP_IDENTITY)
  })

  test('a valid form is saved with identifiers normalised and the VAT rate in basis points', async () => {
    const response = await save(multipart(validForm()))
    expect((response as Response).status).toBe(302)
    expect((response as Response).headers.get('location')).toBe('/admin/settings?saved=1')
    expect(await getIspIdentity()).toMatchObject({
      name: 'Illyse',
      address: '12 rue des Fibres\nBâtiment B',
      siret: '73282932000074',
      rna: 'W421234567',
      email: 'bureau@illyse.org',
      website: 'https://www.illyse.org',
      iban: 'FR7630006000011234567890189',
      bic: 'BNPAFRPP',
      defaultVatBasisPoints: 550,
      logo: null,
    })
    const page = await load()
    expect(page.defaults).toMatchObject({ iban: 'FR76 3000 6000 0112 3456 7890 189', defaultVatPercent: '5,5', siret: '73282932000074' })
    expect(page.hasLogo).toBe(false)

    // An urlencoded post (no file input) works too; emptied optional fields are cleared.
    await save(makeRequest('/admin/settings', { cookie, form: validForm({ defaultVatPercent: '20', siret: '', website: '' }) }))
    expect(await getIspIdentity()).toMatchObject({ defaultVatBasisPoints: 2000, siret: '', website: '', iban: 'FR7630006000011234567890189' })
  })

  test('every invalid field is reported at once, and nothing is saved', async () => {
    await save(multipart(validForm()))
    const before = await getIspIdentity()
    const result = unwrap(await save(multipart(validForm({
      name: '',
      iban: 'FR76 3000 6000 0112 3456 7890 188',
      siret: '732 829 320 00075',
      defaultVatPercent: '5,555',
      rna: 'W12',
      bic: 'BNPAFRP',
      email: 'not-an-email',
      website: 'ftp://example.org',
    }))))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({
      name: ['required'],
      iban: ['ibanChecksumInvalid'],
      siret: ['siretChecksumInvalid'],
      defaultVatPercent: ['vatInvalid'],
      rna: ['rnaInvalid'],
      bic: ['bicInvalid'],
      email: ['emailInvalid'],
      website: ['urlInvalid'],
    })
    expect(await getIspIdentity()).toEqual(before)
    for (const defaultVatPercent of ['101', '-1', '12,5%x']) {
      expect(unwrap(await save(multipart(validForm({ defaultVatPercent })))).data.result.error, defaultVatPercent).toEqual({ defaultVatPercent: ['vatInvalid'] })
    }
    expect(unwrap(await save(multipart(validForm({ iban: 'FR76 3000 6000 0112 3456 7890 18' })))).data.result.error).toEqual({ iban: ['ibanLengthInvalid'] })
    expect(await getIspIdentity()).toEqual(before)
  })

  test('a PNG or JPEG logo is accepted and served to staff; a text file renamed .png is refused', async () => {
    await save(multipart(validForm(), { bytes: PNG, name: 'logo.png', type: 'image/png' }))
    expect(await getIspIdentity()).toMatchObject({ logoMimeType: 'image/png' })
    expect((await load()).hasLogo).toBe(true)
    const served = (await logo()) as Response
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PNG)

    const text = new TextEncoder().encode('This is not an image, whatever its name says.')
    const refused = unwrap(await save(multipart(validForm({ name: 'Renamed' }), { bytes: text, name: 'logo.png', type: 'image/png' })))
    expect(refused.status).toBe(400)
    expect(refused.data.result.error).toEqual({ logo: ['logoNotImage'] })
    expect(await getIspIdentity()).toMatchObject({ name: 'Illyse', logoMimeType: 'image/png' })

    // A file without an image extension is judged by its bytes too.
    await save(multipart(validForm(), { bytes: JPEG, name: 'logo', type: 'application/octet-stream' }))
    const identity = await getIspIdentity()
    expect(identity.logoMimeType).toBe('image/jpeg')
    expect(new Uint8Array(identity.logo!)).toEqual(JPEG)
  })

  test('a logo over 500 KB is a field error shown with the others, not a server error', async () => {
    await save(multipart(validForm(), { bytes: PNG, name: 'logo.png', type: 'image/png' }))
    const big = new Uint8Array(500 * 1024 + 1)
    big.set(PNG)
    const result = unwrap(await save(multipart(validForm({ iban: 'FR76 3000' }), { bytes: big, name: 'big.png', type: 'image/png' })))
    expect(result.status).toBe(400)
    expect(result.data.result.error).toEqual({ logo: ['logoTooLarge'], iban: ['ibanLengthInvalid'] })
    expect(new Uint8Array((await getIspIdentity()).logo!)).toEqual(PNG)
  })

  test('the checkbox removes the logo; a new file replaces it', async () => {
    await save(multipart(validForm(), { bytes: PNG, name: 'logo.png', type: 'image/png' }))
    await save(multipart(validForm({ removeLogo: 'on' })))
    expect(await getIspIdentity()).toMatchObject({ logo: null, logoMimeType: null })
    expect(((await logo()) as Response).status).toBe(404)
    // Saving without a file keeps the logo.
    await save(multipart(validForm(), { bytes: JPEG, name: 'logo.jpg', type: 'image/jpeg' }))
    await save(multipart(validForm({ name: 'Illyse FAI' })))
    expect(await getIspIdentity()).toMatchObject({ name: 'Illyse FAI', logoMimeType: 'image/jpeg' })
  })

  test('members get a 404 on the settings page, its action and the logo, and change nothing', async () => {
    const before = await getIspIdentity()
    const { cookie: memberCookie } = await loginAs()
    const refused = await settle(() => save(multipart(validForm({ name: 'Hijacked' }), { bytes: PNG, name: 'logo.png', type: 'image/png' }, memberCookie)))
    expect((refused as Response).status).toBe(404)
    expect(((await settle(() => loader({ request: makeRequest('/admin/settings', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(((await settle(() => logoLoader({ request: makeRequest('/admin/settings/logo', { cookie: memberCookie }), params: {}, context: {} }))) as Response).status).toBe(404)
    expect(await getIspIdentity()).toEqual(before)
  })
})
