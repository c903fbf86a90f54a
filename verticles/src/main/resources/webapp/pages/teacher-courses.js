// A teacher's courses (GET /me/courses) and a new course.
import {all, post} from '../lib/api.js';
import {field, h, replace} from '../lib/dom.js';
import {form, input} from './auth.js';

export async function page() {
  const courses = await all('/api/v1/me/courses');
  const list = h('ul', {class: 'cards', id: 'course-list'});
  const render = () => replace(list, courses.length === 0
    ? h('li', {class: 'empty'}, 'No courses yet: create the first one below.')
    : courses.map((course) => h('li', {class: 'card'},
      h('h2', {}, h('a', {href: `#/courses/${encodeURIComponent(course.id)}`}, course.title)),
      h('p', {class: 'meta'}, course.subject, course.status === 'archived' ? ' · archived' : ''),
      h('p', {class: 'links'},
        h('a', {href: `#/courses/${encodeURIComponent(course.id)}/live`}, 'Live dashboard'), ' · ',
        h('a', {href: `#/courses/${encodeURIComponent(course.id)}/gradebook`}, 'Gradebook')))));
  render();

  const title = input('title', 'text', 'off', {maxlength: 200});
  const subject = input('subject', 'text', 'off', {maxlength: 100});
  const description = h('textarea', {name: 'description', rows: 3, maxlength: 5000});
  const create = form('New course', [field('Title', title), field('Subject', subject),
    field('Description', description)], 'Create course', async () => {
    const course = await post('/api/v1/courses', {title: title.value.trim(), subject: subject.value.trim(),
      description: description.value}, {headers: {'Idempotency-Key': crypto.randomUUID()}});
    location.hash = `#/courses/${encodeURIComponent(course.id)}`;
  });
  return {
    title: 'My courses',
    node: h('section', {},
      h('h1', {}, 'My courses'), list,
      h('section', {class: 'panel', 'aria-labelledby': 'new-course'}, h('h2', {id: 'new-course'}, 'New course'), create)),
  };
}
