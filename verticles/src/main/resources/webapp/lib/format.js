// How dates, scores and shares are written on the pages.

const dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});
const time = new Intl.DateTimeFormat(undefined, {timeStyle: 'medium'});

export function when(iso) {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function clock(iso) {
  return time.format(iso ? new Date(iso) : new Date());
}

export function percent(part, whole) {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

/** An RFC 3339 instant as the value of an <input type="datetime-local"> (local time). */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The reverse: a datetime-local value (local time) as RFC 3339 in UTC; empty → null. */
export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}
