/**
 * The shades Coin's stylesheet uses (brand-50 … brand-800), from the ISP's one colour: 600 is the
 * colour, 700 and 800 darker (buttons, links, hover), 50 and 100 lighter (active menu items).
 * The colour was checked for contrast with white when saved (isp-database.schema.ts).
 */
export function themeStylesheet(color: string) {
  if (!/^#[0-9a-f]{6}$/.test(color)) return null
  const mix = (other: 'black' | 'white', percent: number) => `color-mix(in srgb, ${color} ${percent}%, ${other})`
  return `:root {
  --color-brand-50: ${mix('white', 8)};
  --color-brand-100: ${mix('white', 20)};
  --color-brand-600: ${color};
  --color-brand-700: ${mix('black', 85)};
  --color-brand-800: ${mix('black', 70)};
}
`
}
