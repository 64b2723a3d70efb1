/** Writes OCR giro records for the tests, field by field after reference note §3.1 (the tests' own writer). */

export interface OcrTestTransaction {
  type: string;
  amountOre: number;
  kid: string | null;
  /** DDMMYY */
  date: string;
  payerAccount?: string | null;
  text?: string | null;
}

export interface OcrTestAssignment {
  account: string;
  transactions: OcrTestTransaction[];
}

const zeros = (n: number) => '0'.repeat(n);
const num = (value: number | bigint | string, width: number) => String(value).padStart(width, '0');

export function ocrFile(assignments: OcrTestAssignment[], opts: { transmission?: string; recipient?: string; eol?: string } = {}): string {
  const lines: string[] = [];
  lines.push(`NY000010${'00008080'}${num(opts.transmission ?? '1', 7)}${num(opts.recipient ?? '12345678', 8)}${zeros(49)}`);
  let allCount = 0;
  let allSum = 0n;
  assignments.forEach((a, ai) => {
    const start = lines.length;
    lines.push(`NY090020${num('123456', 9)}${num(ai + 1, 7)}${a.account}${zeros(45)}`);
    let sum = 0n;
    a.transactions.forEach((t, ti) => {
      const no = num(ti + 1, 7);
      const kid = (t.kid ?? '').padStart(25, ' ');
      lines.push(`NY09${t.type}30${no}${t.date}${'01'}${t.date.slice(0, 2)}1${num(ti + 1, 5)}0${num(t.amountOre, 17)}${kid}${zeros(6)}`);
      const reversal = ['18', '19', '20', '21'].includes(t.type);
      lines.push(`NY09${t.type}31${no}${zeros(10)}${reversal ? '123456789' : zeros(9)}${zeros(7)}${t.date}${reversal ? zeros(11) : (t.payerAccount ?? zeros(11))}${zeros(22)}`);
      if (t.type === '20' || t.type === '21') lines.push(`NY09${t.type}32${no}${(t.text ?? '').padEnd(40, ' ')}${zeros(25)}`);
      sum += BigInt(t.amountOre);
    });
    const records = lines.length - start + 1;
    const d = a.transactions[0]?.date ?? '010126';
    lines.push(`NY090088${num(a.transactions.length, 8)}${num(records, 8)}${num(sum, 17)}${d}${d}${d}${zeros(21)}`);
    allCount += a.transactions.length;
    allSum += sum;
  });
  lines.push(`NY000089${num(allCount, 8)}${num(lines.length + 1, 8)}${num(allSum, 17)}${'010126'}${zeros(33)}`);
  for (const l of lines) if (l.length !== 80) throw new Error(`test writer made a ${l.length}-character line: ${l}`);
  const eol = opts.eol ?? '\r\n';
  return lines.join(eol) + eol;
}
