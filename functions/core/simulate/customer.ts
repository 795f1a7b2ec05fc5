/** The customer an event line is about (`detail.userId`), or '' when it names none (ingest dead-letters it). */
export function userIdOf(value: unknown): string {
  if (typeof value !== 'object' || value === null || !('detail' in value)) return '';
  const { detail } = value;
  if (typeof detail !== 'object' || detail === null || !('userId' in detail)) return '';
  return typeof detail.userId === 'string' ? detail.userId : '';
}
