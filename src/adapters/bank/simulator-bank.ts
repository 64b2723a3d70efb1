/**
 * The bank connector's adapter for the eFaktura simulator's bank (src/simulator/bank.ts): the day's OCR
 * giro file of an account from `GET {simulatorUrl}/simulator/bank/{account}/ocr?date=YYYY-MM-DD`.
 */
import type { BankConnector } from '../../app/payments/bank-connector.ts';

export function createSimulatorBank(options: { simulatorUrl: string; timeoutMs: number }): BankConnector {
  const base = options.simulatorUrl.replace(/\/+$/, '');
  return {
    name: 'simulator',
    async dailyFile(accountNumber, date) {
      const url = `${base}/simulator/bank/${encodeURIComponent(accountNumber)}/ocr?date=${encodeURIComponent(date)}`;
      const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
      if (res.status !== 200) {
        const text = (await res.text()).slice(0, 300);
        throw new Error(`the simulator's bank answered ${res.status} for ${accountNumber} on ${date}: ${text}`);
      }
      return Buffer.from(await res.arrayBuffer());
    },
  };
}
