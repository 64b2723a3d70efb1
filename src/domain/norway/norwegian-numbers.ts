/**
 * Check digits of Norwegian organisation numbers (9 digits) and bank account numbers (11 digits):
 * both are MOD11 with fixed weights; a remainder that would give check digit 10 makes the number
 * invalid (Brønnøysundregistrene; Bits/Finans Norge account standard).
 */

function mod11Valid(digits: string, weights: readonly number[]): boolean {
  if (!/^\d+$/.test(digits) || digits.length !== weights.length + 1) return false;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * weights[i]!;
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === Number(digits[weights.length]);
}

export const isValidOrgNumber = (n: string): boolean => mod11Valid(n, [3, 2, 7, 6, 5, 4, 3, 2]);
export const isValidAccountNumber = (n: string): boolean => mod11Valid(n, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
