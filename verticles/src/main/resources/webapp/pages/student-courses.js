// A student's courses (GET /me/courses) with their progress.
import {all, get} from '../lib/api.js';
import {h} from '../lib/dom.js';
import {courseTotals, scoreBar} from './progress.js';

export async function page() {
  const [courses, progress] = await Promise.all([all('/api/v1/me/courses'), get('/api/v1/me/progress')]);
  const list = courses.length === 0
    ? h('p', {class: 'empty'}, 'You are not in a course yet. ', h('a', {href: '#/join'}, 'Join one'), '.')
    : h('ul', {class: 'cards', id: 'course-list'}, courses.map((course) => {
      const totals = courseTotals(progress, course.id);
      return h('li', {class: 'card'},
        h('h2', {}, h('a', {href: `#/courses/${encodeURIComponent(course.id)}`}, course.title)),
        h('p', {class: 'meta'}, course.subject),
        scoreBar(totals.points, totals.maxPoints));
    }));
  return {
    title: 'My courses',
    node: h('section', {}, h('h1', {}, 'My courses'), list,
      h('p', {}, h('a', {class: 'button', href: '#/join'}, 'Join a course'))),
  };
}
