// A teacher's course: its join code and link, the roster, the assignments.
import {all, get, patch, seg} from '../lib/api.js';
import {alertBox, h, replace} from '../lib/dom.js';
import {when} from '../lib/format.js';

export async function page({params}) {
  const id = params.courseId;
  const [course, students, assignments] = await Promise.all([
    get(`/api/v1/courses/${seg(id)}`),
    all(`/api/v1/courses/${seg(id)}/students`),
    all(`/api/v1/courses/${seg(id)}/assignments`),
  ]);
  const joining = h('div', {id: 'joining'});
  const renderJoining = (c) => {
    const link = `${location.origin}/app/#/join/${encodeURIComponent(c.id)}`;
    const errors = h('div');
    const change = (body) => async () => {
      try {
        renderJoining(await patch(`/api/v1/courses/${seg(c.id)}`, body));
      } catch (error) {
        replace(errors, alertBox(error.describe()));
      }
    };
    const policy = {open: 'Any student may join.', code: 'Students join with the code.',
      teacher: 'Only you enroll students.'}[c.enrollmentPolicy];
    replace(joining,
      h('p', {}, policy),
      h('p', {}, 'Join link: ', h('a', {href: link, id: 'join-link'}, link)),
      c.joinCode ? h('p', {}, 'Join code: ', h('strong', {class: 'code', id: 'join-code'}, c.joinCode)) : null,
      h('div', {class: 'actions'},
        c.enrollmentPolicy !== 'code'
          ? h('button', {type: 'button', onclick: change({enrollmentPolicy: 'code'})}, 'Require a join code') : null,
        c.enrollmentPolicy === 'code'
          ? h('button', {type: 'button', onclick: change({rotateJoinCode: true})}, 'New join code') : null,
        c.enrollmentPolicy !== 'open'
          ? h('button', {type: 'button', class: 'secondary', onclick: change({enrollmentPolicy: 'open'})},
            'Let anyone join') : null),
      errors);
  };
  renderJoining(course);

  const roster = students.length === 0
    ? h('p', {class: 'empty'}, 'No students yet.')
    : h('table', {class: 'data', id: 'roster'},
      h('caption', {class: 'visually-hidden'}, 'Students'),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Name'), h('th', {scope: 'col'}, 'Email'))),
      h('tbody', {}, students.map((s) => h('tr', {}, h('td', {}, s.displayName), h('td', {}, s.email)))));

  const list = assignments.length === 0
    ? h('p', {class: 'empty'}, 'No assignments yet.')
    : h('table', {class: 'data', id: 'assignments'},
      h('caption', {class: 'visually-hidden'}, 'Assignments'),
      h('thead', {}, h('tr', {}, ['Title', 'Questions', 'Due', 'Status', ''].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, assignments.map((a) => h('tr', {},
        h('td', {}, a.title), h('td', {}, String(a.questionCount)), h('td', {}, when(a.dueAt)),
        h('td', {}, h('span', {class: `badge ${a.status || 'published'}`}, a.status || 'published')),
        h('td', {}, h('a', {href: `#/assignments/${encodeURIComponent(a.id)}/edit`,
          'aria-label': `Edit ${a.title}`}, 'Edit'))))));

  return {
    title: course.title,
    node: h('section', {},
      h('p', {class: 'crumbs'}, h('a', {href: '#/courses'}, 'My courses')),
      h('h1', {}, course.title),
      h('p', {class: 'meta'}, course.subject, course.status === 'archived' ? ' · archived' : ''),
      course.description ? h('p', {}, course.description) : null,
      h('p', {class: 'actions'},
        h('a', {class: 'button', href: `#/courses/${encodeURIComponent(id)}/live`, id: 'open-dashboard'}, 'Live dashboard'),
        h('a', {class: 'button secondary', href: `#/courses/${encodeURIComponent(id)}/gradebook`}, 'Gradebook'),
        h('a', {class: 'button secondary', href: `#/courses/${encodeURIComponent(id)}/assignments/new`}, 'New assignment')),
      h('section', {class: 'panel', 'aria-labelledby': 'h-joining'}, h('h2', {id: 'h-joining'}, 'Joining'), joining),
      h('section', {class: 'panel', 'aria-labelledby': 'h-assignments'}, h('h2', {id: 'h-assignments'}, 'Assignments'), list),
      h('section', {class: 'panel', 'aria-labelledby': 'h-roster'},
        h('h2', {id: 'h-roster'}, `Roster (${students.length})`), roster)),
  };
}
