/**
 * Norwegian personal numbers (fødselsnummer, D-number, H-number, synthetic test numbers): 11 digits whose
 * last two are the control digits K1 and K2 (Skatteetaten; reference note §4.2). Only the control digits
 * are checked here: D-numbers (day + 40), H-numbers (month + 40) and synthetic numbers (month + 80) share
 * them, so a "date" that is not a calendar date is no reason to refuse.
 *
 * From 2032 K1 is checked more loosely (the weighted sum including K1 may leave a remainder of 0, 1, 2 or
 * 3 instead of 0); systems must accept both rules, so both are accepted.
 */

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

export function isValidPersonalNumber(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const digits = [...value].map(Number);
  let s1 = digits[9]!;
  for (let i = 0; i < 9; i++) s1 += digits[i]! * K1_WEIGHTS[i]!;
  if (s1 % 11 > 3) return false;
  let s2 = digits[10]!;
  for (let i = 0; i < 10; i++) s2 += digits[i]! * K2_WEIGHTS[i]!;
  return s2 % 11 === 0;
}
