// The gradebook (GET /courses/{id}/gradebook) and its CSV export: a job, polled until it has a file,
// then downloaded with the access token (the download needs it, so it cannot be a plain link).
import {ApiError, all, authFetch, get, post, seg} from '../lib/api.js';
import {alertBox, field, h, replace} from '../lib/dom.js';

const POLL_MS = 1_000;
const POLL_LIMIT = 120;

export async function page({params}) {
  const courseId = params.courseId;
  const base = `/api/v1/courses/${seg(courseId)}`;
  const [course, assignments, rows] = await Promise.all([get(base), all(`${base}/assignments`), all(`${base}/gradebook`)]);
  let stopped = false;

  const table = rows.length === 0 ? h('p', {class: 'empty'}, 'No students yet.') : h('div', {class: 'scroll'},
    h('table', {class: 'data', id: 'gradebook'},
      h('caption', {class: 'visually-hidden'}, `Gradebook of ${course.title}`),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Student'),
        assignments.map((a) => h('th', {scope: 'col'}, a.title)), h('th', {scope: 'col'}, 'Total'))),
      h('tbody', {}, rows.map((row) => {
        const grades = new Map(row.assignments.map((g) => [g.assignmentId, g]));
        let points = 0;
        let max = 0;
        return h('tr', {'data-student': row.studentId}, h('th', {scope: 'row'}, row.displayName),
          assignments.map((a) => {
            const g = grades.get(a.id);
            if (!g) return h('td', {}, '—');
            points += g.points;
            max += g.maxPoints;
            return h('td', {'data-assignment': a.id}, `${g.points}/${g.maxPoints}`,
              g.late ? h('span', {class: 'badge late'}, 'late') : null);
          }),
          h('td', {class: 'total'}, `${points}/${max}`));
      }))));

  const kind = h('select', {name: 'kind'}, h('option', {value: 'gradebook'}, 'Gradebook (one line per student)'),
    h('option', {value: 'answers'}, 'Answers (one line per attempt)'));
  const exportStatus = h('div', {id: 'export-status', role: 'status'});
  const button = h('button', {type: 'button', id: 'export'}, 'Export CSV');
  button.addEventListener('click', async () => {
    button.disabled = true;
    replace(exportStatus, h('p', {}, 'Preparing the file…'));
    try {
      const {jobId} = await post(`${base}/exports`, {kind: kind.value, format: 'csv'},
        {headers: {'Idempotency-Key': crypto.randomUUID()}});
      const job = await finished(jobId, () => stopped);
      if (job.status !== 'succeeded') throw new ApiError(500, {detail: job.error?.message || 'The export failed.'});
      replace(exportStatus, h('p', {}, `Ready: ${job.result.rows} rows. `, downloadButton(job.result.downloadUrl)));
    } catch (error) {
      replace(exportStatus, alertBox(error.describe ? error.describe() : error.message));
    } finally {
      button.disabled = false;
    }
  });

  return {
    title: `Gradebook: ${course.title}`,
    node: h('section', {},
      h('p', {class: 'crumbs'}, h('a', {href: `#/courses/${encodeURIComponent(courseId)}`}, course.title)),
      h('h1', {}, `Gradebook: ${course.title}`),
      h('p', {class: 'meta'}, 'Points per assignment, each question\'s best attempt; "late": the student\'s last answer came after the due date.'),
      table,
      h('section', {class: 'panel', 'aria-labelledby': 'h-export'}, h('h2', {id: 'h-export'}, 'Export'),
        field('What', kind), h('div', {class: 'actions'}, button), exportStatus)),
    dispose: () => { stopped = true; },
  };
}

async function finished(jobId, stopped) {
  for (let i = 0; i < POLL_LIMIT && !stopped(); i += 1) {
    const job = await get(`/api/v1/jobs/${seg(jobId)}`);
    if (job.status === 'succeeded' || job.status === 'failed') return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new ApiError(504, {detail: 'The export is taking long; try again in a minute.'});
}

function downloadButton(downloadUrl) {
  const url = new URL(downloadUrl, location.href);
  // A LEARNGRID_PUBLIC_URL of another host: the file is this node's all the same.
  const path = url.origin === location.origin ? url.href : `${url.pathname}${url.search}`;
  const button = h('button', {type: 'button', id: 'download'}, 'Download the file');
  button.addEventListener('click', async () => {
    const response = await authFetch(path);
    if (!response.ok) {
      button.replaceWith(alertBox(`The download answered ${response.status}.`));
      return;
    }
    const disposition = response.headers.get('Content-Disposition') || '';
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || 'export.csv';
    const link = h('a', {href: URL.createObjectURL(await response.blob()), download: name}, name);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
  return button;
}
