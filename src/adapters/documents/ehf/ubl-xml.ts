/**
 * The UBL namespaces and two helpers over xmlbuilder2. Every value goes in through `txt`/attributes, which
 * escape it, so no customer or merchant text can change the document's structure; characters XML 1.0
 * cannot carry (control characters) are dropped rather than making the document unreadable.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';

export type XmlNode = XMLBuilder;

export const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

const XMLNS = 'http://www.w3.org/2000/xmlns/';

export function ublRoot(kind: 'Invoice' | 'CreditNote'): { document: XMLBuilder; root: XmlNode } {
  const document = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
  const root = document
    .ele(kind === 'Invoice' ? NS.invoice : NS.creditNote, kind)
    .att(XMLNS, 'xmlns:cac', NS.cac)
    .att(XMLNS, 'xmlns:cbc', NS.cbc);
  return { document, root };
}

/** Appends a basic component with text and returns the parent, for chaining. */
export function cbc(parent: XmlNode, name: string, text: string, attributes: Record<string, string> = {}): XmlNode {
  parent.ele(NS.cbc, `cbc:${name}`, attributes).txt(text);
  return parent;
}

/** Appends an aggregate component and returns it. */
export const cac = (parent: XmlNode, name: string): XmlNode => parent.ele(NS.cac, `cac:${name}`);
