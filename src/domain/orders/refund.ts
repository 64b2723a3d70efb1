/** A refund as the merchant asked for it, after validation (SPEC §2.3): amounts in øre, lines by id. */
export const REFUND_TYPES = ['regular', 'invoiced'] as const;

export interface RefundRequest {
  type: (typeof REFUND_TYPES)[number];
  grandTotalOre: number;
  lines: Array<{ lineId: number; ore: number }>;
}
