/**
 * Runs the official Peppol BIS Billing 3.0 validation artefacts (SPEC §6.4; shared/peppol/README.md) on a
 * UBL document: the CEN EN 16931 rules and the Peppol rules with the Norwegian NO-R-*. Each XSLT is
 * compiled to SaxonJS's SEF JSON once into `.cache/peppol/` (git-ignored; the name carries a hash of the
 * stylesheet, so new artefacts recompile), then every validation is an in-process transform.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface SaxonJs {
  transform(
    options: { stylesheetInternal: unknown; sourceText: string; destination: 'serialized' },
    mode: 'sync',
  ): { principalResult: string };
}
const SaxonJS = require('saxon-js') as SaxonJs;

const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** In CI shared/ lies beside the clone; in a developer's worktree (wt/<name>) one level further up. */
function peppolDir(): string {
  const candidates = [
    process.env.EFAKTURA_PEPPOL_DIR,
    path.resolve(repoRoot, '../shared/peppol'),
    path.resolve(repoRoot, '../../shared/peppol'),
  ].filter((dir): dir is string => Boolean(dir));
  const found = candidates.find((dir) => existsSync(path.join(dir, 'PEPPOL-EN16931-UBL.xslt')));
  if (!found) throw new Error(
      `Peppol artefacts not found; looked in ${candidates.join(', ')}. Set EFAKTURA_PEPPOL_DIR to the folder that holds ` +
        'PEPPOL-EN16931-UBL.xslt and CEN-EN16931-UBL.xslt (README, Test).',
    );
  return found;
}

export const PEPPOL_DIR = peppolDir();
export const ARTEFACTS = ['CEN-EN16931-UBL', 'PEPPOL-EN16931-UBL'] as const;
export type Artefact = (typeof ARTEFACTS)[number];

function compiledStylesheet(name: Artefact): unknown {
  const xsltPath = path.join(PEPPOL_DIR, `${name}.xslt`);
  const hash = createHash('sha256').update(readFileSync(xsltPath)).digest('hex').slice(0, 12);
  const cacheDir = path.join(repoRoot, '.cache', 'peppol');
  const sefPath = path.join(cacheDir, `${name}-${hash}.sef.json`);
  if (!existsSync(sefPath)) {
    mkdirSync(cacheDir, { recursive: true });
    // Written under a private name and renamed: two test processes compiling at once never read half a file.
    const partial = `${sefPath}.${process.pid}.partial`;
    const xslt3 = require.resolve('xslt3/xslt3.js');
    const run = spawnSync(process.execPath, [xslt3, `-xsl:${xsltPath}`, `-export:${partial}`, '-nogo'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`compiling ${name} failed: ${run.stderr}`);
    renameSync(partial, sefPath);
  }
  return JSON.parse(readFileSync(sefPath, 'utf8'));
}

const stylesheets = new Map<Artefact, unknown>();

export interface Finding {
  artefact: Artefact;
  id: string;
  flag: string;
  text: string;
  location: string;
}

function attribute(tag: string, name: string): string {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1] ?? '';
}

/** Every failed assertion of one artefact on the document (fatal and warning). */
export function validateWith(artefact: Artefact, xml: string): Finding[] {
  let stylesheet = stylesheets.get(artefact);
  if (!stylesheet) {
    stylesheet = compiledStylesheet(artefact);
    stylesheets.set(artefact, stylesheet);
  }
  const svrl = SaxonJS.transform({ stylesheetInternal: stylesheet, sourceText: xml, destination: 'serialized' }, 'sync').principalResult;
  const findings: Finding[] = [];
  for (const match of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g)) {
    const text = /<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(match[2]!)?.[1]?.trim() ?? '';
    findings.push({ artefact, id: attribute(match[1]!, 'id'), flag: attribute(match[1]!, 'flag'), text, location: attribute(match[1]!, 'location') });
  }
  return findings;
}

/** Findings of both artefacts. */
export const validateEhf = (xml: string): Finding[] => ARTEFACTS.flatMap((artefact) => validateWith(artefact, xml));

export const fatal = (findings: Finding[]): Finding[] => findings.filter((finding) => finding.flag === 'fatal');

/** A readable list for assertion messages. */
export const describe = (findings: Finding[]): string =>
  findings.map((f) => `${f.artefact} ${f.id} (${f.flag}) at ${f.location}: ${f.text}`).join('\n');
