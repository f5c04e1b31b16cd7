import { SaxesParser } from 'saxes';

/** Parse with a real XML parser (throws on malformed XML); returns the element names in document order. */
export function parseXml(xml: string): string[] {
  const names: string[] = [];
  const p = new SaxesParser({ xmlns: true });
  p.on('error', (e) => {
    throw e;
  });
  p.on('opentag', (t) => names.push(t.local));
  p.write(xml).close();
  return names;
}
