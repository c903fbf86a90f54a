// A student's course: its assignments and the student's score on each.
import {all, get, seg} from '../lib/api.js';
import {h} from '../lib/dom.js';
import {when} from '../lib/format.js';
import {byAssignment, scoreBar} from './progress.js';

export async function page({params}) {
  const id = params.courseId;
  const [course, assignments, progress] = await Promise.all([
    get(`/api/v1/courses/${seg(id)}`), all(`/api/v1/courses/${seg(id)}/assignments`), get('/api/v1/me/progress')]);
  const mine = byAssignment(progress);
  const list = assignments.length === 0
    ? h('p', {class: 'empty'}, 'No assignments yet.')
    : h('ul', {class: 'cards', id: 'assignment-list'}, assignments.map((a) => {
      const p = mine.get(a.id) || {answered: 0, points: 0, maxPoints: 0};
      return h('li', {class: 'card'},
        h('h2', {}, h('a', {href: `#/assignments/${encodeURIComponent(a.id)}`}, a.title)),
        h('p', {class: 'meta'}, `${a.questionCount} questions · due ${when(a.dueAt)}`),
        h('p', {}, `Answered ${p.answered} of ${a.questionCount}. `), scoreBar(p.points, p.maxPoints));
    }));
  return {
    title: course.title,
    node: h('section', {},
      h('p', {class: 'crumbs'}, h('a', {href: '#/courses'}, 'My courses')),
      h('h1', {}, course.title), course.description ? h('p', {}, course.description) : null, list),
  };
}
