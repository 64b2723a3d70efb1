/**
 * The TrueType fonts of every PDF, parsed once per process. Parsing a TTF costs 50–100 ms, rendering a
 * one-page invoice about 13 ms: handing pdfkit an already parsed fontkit font keeps the parse out of every
 * document. DejaVu Sans (from the `dejavu-fonts-ttf` package, no download at run time) has æøå, åäö, äöüß
 * and the non-breaking space; TTF rather than WOFF/WOFF2, which are slow or crash pdfkit.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';

export type ParsedFont = fontkit.Font;

export interface DocumentFonts {
  regular: ParsedFont;
  bold: ParsedFont;
}

let fonts: DocumentFonts | null = null;

function parse(file: string): ParsedFont {
  const require = createRequire(import.meta.url);
  const ttfDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const font = fontkit.create(readFileSync(path.join(ttfDir, file)));
  if (!('layout' in font)) throw new Error(`${file} is a font collection, expected one TrueType font`);
  return font;
}

/** The fonts, parsed at first use and then shared by every document of this process. */
export function documentFonts(): DocumentFonts {
  fonts ??= { regular: parse('DejaVuSans.ttf'), bold: parse('DejaVuSans-Bold.ttf') };
  return fonts;
}
