import { PDFDocument, popGraphicsState, pushGraphicsState, rgb, setTextRenderingMode, TextRenderingMode } from 'pdf-lib'
import { MEMBER_CARD_SIZE } from '#app/components/member-card.tsx'
import type { Language } from '#app/i18n.ts'
import { getInvoiceFonts, sharedFontkit } from '#app/integrations/pdf/font.server.ts'
import { drawMemberCardPng, type MemberCard } from './card.server.ts'

// The card as a PDF, in its own module: pdf-lib and fontkit load when the first PDF card is asked
// for, not with the web server (they are about 0.4 s of its start).

const MM = 72 / 25.4
const A4 = { width: 210 * MM, height: 297 * MM }
const CARD_PT = { width: 85.6 * MM, height: 54 * MM }

/**
 * The card as a one-page A4 PDF: the PNG at its real size (85.6 × 54 mm), centred, to print at
 * 100 % and cut out. Its texts lie over the picture as invisible text, in reading order, so the
 * PDF can be searched, copied from and read aloud.
 */
export async function drawMemberCardPdf(card: MemberCard, language: Language) {
  const { texts } = card
  const [png, fonts] = await Promise.all([drawMemberCardPng(card), getInvoiceFonts()])
  const doc = await PDFDocument.create({ updateMetadata: false })
  doc.registerFontkit(sharedFontkit)
  doc.setTitle(texts.alt, { showInWindowTitleBar: true })
  doc.setAuthor(texts.ispName)
  doc.setCreator('Coin')
  doc.setProducer('Coin')
  doc.setLanguage(language === 'en' ? 'en-GB' : 'fr-FR')
  const regular = await doc.embedFont(fonts.regular, { subset: true })
  const image = await doc.embedPng(png)
  const page = doc.addPage([A4.width, A4.height])
  const x = (A4.width - CARD_PT.width) / 2
  const y = (A4.height - CARD_PT.height) / 2
  page.drawImage(image, { x, y, ...CARD_PT })
  // Where each text sits on the picture, in card pixels from its top (MemberCardPicture's layout).
  const scale = CARD_PT.width / MEMBER_CARD_SIZE.width
  const lines: [text: string, left: number, top: number, size: number][] = [
    [texts.ispName, card.hasLogo ? 242 : 40, 90, 40],
    [texts.title, 40, 205, 22],
    [texts.name, 40, 265, 44],
    [texts.username, 40, 310, 28],
    [texts.status.text, 62, 470, 28],
  ]
  page.pushOperators(pushGraphicsState(), setTextRenderingMode(TextRenderingMode.Invisible))
  for (const [text, left, top, size] of lines) {
    page.drawText(fonts.printable(text), { x: x + left * scale, y: y + CARD_PT.height - top * scale, size: size * scale, font: regular, color: rgb(0, 0, 0) })
  }
  page.pushOperators(popGraphicsState())
  return new Uint8Array(await doc.save())
}
