// The live class dashboard: answers ticking in, each question's correct rate, and a students ×
// assignments heat map of progress, all kept current from the course event stream
// (GET /courses/{id}/events) without a reload.
import {all, get, seg} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';
import {clock, percent} from '../lib/format.js';
import {openEventStream} from '../lib/sse.js';

const FEED_LIMIT = 50;
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
// progress.updated comes once per aggregation of a student's answers; reading figures again is
// coalesced over this long so a burst of answers costs one request per student, not one per event.
const COALESCE_MS = 300;

export async function page({params}) {
  const courseId = params.courseId;
  const base = `/api/v1/courses/${seg(courseId)}`;
  const [course, assignments] = await Promise.all([get(base), all(`${base}/assignments`)]);
  const state = {
    students: new Map(), // id → displayName
    grades: new Map(), // studentId → Map(assignmentId → grade)
    details: new Map(), // assignmentId → Promise(assignment with questions)
    selected: assignments.length > 0 ? assignments[assignments.length - 1].id : null,
    submissions: 0,
    correct: 0,
  };

  const status = h('p', {class: 'live-status', id: 'live-status', role: 'status'}, 'Connecting…');
  const counters = h('p', {class: 'counters', id: 'counters'});
  const feed = h('ol', {class: 'feed', id: 'feed', 'aria-live': 'polite', 'aria-relevant': 'additions',
    'aria-label': 'Answers as they arrive, newest first'});
  const rates = h('div', {id: 'question-rates'});
  const heat = h('div', {id: 'heatmap', class: 'scroll'});
  const picker = h('select', {id: 'assignment-picker'},
    assignments.map((a) => h('option', {value: a.id, selected: a.id === state.selected}, a.title)));
  picker.addEventListener('change', () => {
    state.selected = picker.value;
    loadRates();
  });

  const detail = (assignmentId) => {
    if (!state.details.has(assignmentId)) {
      const promise = get(`/api/v1/assignments/${seg(assignmentId)}`);
      promise.catch(() => state.details.delete(assignmentId));
      state.details.set(assignmentId, promise);
    }
    return state.details.get(assignmentId);
  };
  const titleOf = (assignmentId) => assignments.find((a) => a.id === assignmentId)?.title || 'an assignment';

  function renderCounters() {
    replace(counters, `Since this page opened: ${plural(state.submissions, 'answer')}, ${state.correct} correct.`);
  }

  async function loadGradebook() {
    const rows = await all(`${base}/gradebook`);
    state.students.clear();
    state.grades.clear();
    for (const row of rows) {
      state.students.set(row.studentId, row.displayName);
      state.grades.set(row.studentId, new Map(row.assignments.map((g) => [g.assignmentId, g])));
    }
    renderHeat();
    for (const span of feed.querySelectorAll('.name[data-unnamed]')) {
      const name = state.students.get(span.parentElement.dataset.student);
      if (name) {
        span.textContent = name;
        span.removeAttribute('data-unnamed');
      }
    }
  }

  function cell(studentId, assignmentId) {
    const g = state.grades.get(studentId)?.get(assignmentId);
    if (!g || g.answered === 0) return h('td', {class: 'heat h-none', 'data-student': studentId, 'data-assignment': assignmentId}, '—');
    const share = percent(g.points, g.maxPoints);
    const level = share >= 90 ? 4 : share >= 70 ? 3 : share >= 40 ? 2 : share > 0 ? 1 : 0;
    return h('td', {class: `heat h-${level}`, 'data-student': studentId, 'data-assignment': assignmentId,
      title: `${g.answered} answered, ${g.correct} correct`}, `${g.points}/${g.maxPoints}`);
  }

  function renderHeat() {
    if (state.students.size === 0 || assignments.length === 0) {
      replace(heat, h('p', {class: 'empty'}, assignments.length === 0 ? 'No assignments yet.' : 'No students yet.'));
      return;
    }
    replace(heat, h('table', {class: 'data heat-table'},
      h('caption', {}, 'Points per student and assignment (darker is higher; — not started)'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Student'),
        assignments.map((a) => h('th', {scope: 'col'}, a.title)))),
      h('tbody', {}, [...state.students].map(([id, name]) => h('tr', {'data-student': id},
        h('th', {scope: 'row'}, name), assignments.map((a) => cell(id, a.id)))))));
  }

  async function loadRates() {
    if (!state.selected) {
      replace(rates, h('p', {class: 'empty'}, 'No assignments yet.'));
      return;
    }
    const assignmentId = state.selected;
    const [assignment, stats] = await Promise.all([detail(assignmentId),
      get(`/api/v1/assignments/${seg(assignmentId)}/stats`)]);
    if (assignmentId !== state.selected) return;
    const byId = new Map(stats.questions.map((q) => [q.questionId, q]));
    replace(rates,
      h('p', {class: 'meta'}, `${plural(stats.students, 'student')}, ${plural(stats.submissions, 'answer')}`),
      h('ol', {class: 'bars'}, assignment.questions.map((question, i) => {
        const q = byId.get(question.id) || {attempts: 0, correct: 0, students: 0};
        const answered = q.students ?? stats.students;
        const share = percent(q.correct, answered);
        const bar = h('span', {class: 'bar-fill'});
        bar.style.width = `${share}%`;
        return h('li', {'data-question': question.id},
          h('span', {class: 'bar-label'}, `Q${i + 1}. ${question.prompt}`),
          h('span', {class: 'bar', 'aria-hidden': 'true'}, bar),
          h('span', {class: 'bar-value'}, answered === 0 ? 'No answers yet'
            : `${share}% correct (${q.correct} of ${plural(answered, 'student')}, ${plural(q.attempts, 'answer')})`));
      })));
  }

  const pending = new Map();
  function coalesce(key, action) {
    if (pending.has(key)) return;
    pending.set(key, setTimeout(() => {
      pending.delete(key);
      action().catch(() => {});
    }, COALESCE_MS));
  }

  async function refreshStudent(studentId) {
    if (!state.students.has(studentId)) return loadGradebook();
    const progress = await get(`${base}/students/${seg(studentId)}/progress`);
    const course = progress.courses.find((c) => c.courseId === courseId);
    const grades = state.grades.get(studentId) || new Map();
    for (const g of course ? course.assignments : []) grades.set(g.assignmentId, {...grades.get(g.assignmentId), ...g});
    state.grades.set(studentId, grades);
    const row = heat.querySelector(`tr[data-student="${CSS.escape(studentId)}"]`);
    if (!row) return renderHeat();
    for (const a of assignments) {
      const old = row.querySelector(`td[data-assignment="${CSS.escape(a.id)}"]`);
      if (old) old.replaceWith(cell(studentId, a.id));
    }
  }

  async function addToFeed(event) {
    const {studentId, assignmentId, questionId, correct, late, submittedAt} = event;
    state.submissions += 1;
    if (correct) state.correct += 1;
    renderCounters();
    let label = 'a question';
    try {
      const assignment = await detail(assignmentId);
      const index = assignment.questions.findIndex((q) => q.id === questionId);
      if (index >= 0) label = `Q${index + 1}`;
    } catch {
      // An assignment deleted meanwhile: the item says "a question".
    }
    const known = state.students.has(studentId);
    if (!known) coalesce('gradebook', loadGradebook); // a student who joined since: the name comes with it
    feed.prepend(h('li', {class: correct ? 'ok' : 'wrong', 'data-student': studentId, 'data-question': questionId},
      h('time', {datetime: submittedAt}, clock(submittedAt)), ' ',
      h('span', {class: 'name', 'data-unnamed': !known}, known ? state.students.get(studentId) : 'A student'),
      ` answered ${label} of ${titleOf(assignmentId)}: `,
      h('strong', {}, correct ? 'correct' : 'not correct'), late ? ' (late)' : ''));
    while (feed.children.length > FEED_LIMIT) feed.lastElementChild.remove();
  }

  function onEvent({type, data}) {
    if (type === 'answer.submitted') {
      addToFeed(data);
      if (data.assignmentId === state.selected) coalesce('rates', loadRates);
    } else if (type === 'progress.updated') {
      coalesce(`student:${data.studentId}`, () => refreshStudent(data.studentId));
      if (data.assignmentId === state.selected) coalesce('rates', loadRates);
    } else if (type === 'enrollment.created' || type === 'enrollment.deleted') {
      coalesce('gradebook', loadGradebook);
    }
  }

  const stateText = {connecting: 'Connecting…', live: 'Live: new answers appear as they arrive.',
    reconnecting: 'Reconnecting…', closed: 'Closed.'};
  function onState(name) {
    status.textContent = stateText[name] || name;
    status.dataset.state = name;
  }

  renderCounters();
  await Promise.all([loadGradebook(), loadRates()]);
  const close = openEventStream(`${base}/events`, {onEvent, onState});

  return {
    title: `Live: ${course.title}`,
    node: h('section', {class: 'dashboard'},
      h('p', {class: 'crumbs'}, h('a', {href: `#/courses/${encodeURIComponent(courseId)}`}, course.title)),
      h('h1', {}, `Live dashboard: ${course.title}`),
      status,
      h('div', {class: 'grid'},
        h('section', {class: 'panel', 'aria-labelledby': 'h-feed'}, h('h2', {id: 'h-feed'}, 'Answers'), counters, feed),
        h('section', {class: 'panel', 'aria-labelledby': 'h-rates'}, h('h2', {id: 'h-rates'}, 'Correct rate per question'),
          assignments.length > 0 ? h('div', {class: 'field'}, h('label', {for: 'assignment-picker'}, 'Assignment'), picker) : null,
          rates)),
      h('section', {class: 'panel', 'aria-labelledby': 'h-heat'}, h('h2', {id: 'h-heat'}, 'Progress'), heat)),
    dispose: () => {
      close();
      for (const timer of pending.values()) clearTimeout(timer);
    },
  };
}
