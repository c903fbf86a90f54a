// The learngrid web app: a hash router over the pages in pages/, the navigation, and the session.
import {get, hasSession, onSignedOut, signOut} from './lib/api.js';
import {alertBox, h, replace} from './lib/dom.js';
import * as auth from './pages/auth.js';
import * as teacherCourses from './pages/teacher-courses.js';
import * as teacherCourse from './pages/teacher-course.js';
import * as dashboard from './pages/dashboard.js';
import * as gradebook from './pages/gradebook.js';
import * as editor from './pages/editor.js';
import * as studentCourses from './pages/student-courses.js';
import * as studentCourse from './pages/student-course.js';
import * as join from './pages/join.js';
import * as take from './pages/take.js';

// [pattern, page, who may open it]. Params are the pattern's :names, in order.
const ROUTES = [
  ['/signin', auth.signIn, 'anyone'],
  ['/register', auth.register, 'anyone'],
  ['/forgot', auth.forgot, 'anyone'],
  ['/reset', auth.reset, 'anyone'],
  ['/', null, 'user'],
  ['/courses', null, 'user'],
  ['/courses/:courseId', {teacher: teacherCourse.page, student: studentCourse.page}, 'user'],
  ['/courses/:courseId/live', dashboard.page, 'teacher'],
  ['/courses/:courseId/gradebook', gradebook.page, 'teacher'],
  ['/courses/:courseId/assignments/new', editor.page, 'teacher'],
  ['/assignments/:assignmentId/edit', editor.page, 'teacher'],
  ['/assignments/:assignmentId', take.page, 'student'],
  ['/join', join.page, 'student'],
  ['/join/:courseId', join.page, 'student'],
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let me = null;
let dispose = null;
let generation = 0;

function parseHash() {
  const raw = location.hash.startsWith('#/') ? location.hash.slice(1) : '/';
  const [path, query = ''] = raw.split('?');
  return {path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(query)};
}

function match(path) {
  for (const [pattern, page, who] of ROUTES) {
    const names = [];
    const regex = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, name) => { names.push(name); return '([^/]+)'; })}$`);
    const found = regex.exec(path);
    if (found) {
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
      return {page, who, params};
    }
  }
  return null;
}

/** Teachers and admins see the teaching pages; students the learning ones. */
const teaches = (user) => user && (user.role === 'teacher' || user.role === 'admin');

function renderNav() {
  const links = [];
  if (me) {
    if (teaches(me)) links.push(h('a', {href: '#/courses'}, 'My courses'));
    else links.push(h('a', {href: '#/courses'}, 'My courses'), h('a', {href: '#/join'}, 'Join a course'));
    links.push(h('span', {class: 'who'}, `${me.displayName} (${me.role})`),
      h('button', {type: 'button', class: 'link', onclick: doSignOut}, 'Sign out'));
  } else {
    links.push(h('a', {href: '#/signin'}, 'Sign in'));
  }
  replace(nav, h('ul', {}, links.map((link) => h('li', {}, link))));
}

async function doSignOut() {
  await signOut();
  me = null;
  location.hash = '#/signin';
}

async function loadMe() {
  if (!me && hasSession()) me = await get('/api/v1/me');
  return me;
}

async function route() {
  const ticket = ++generation;
  if (dispose) {
    dispose();
    dispose = null;
  }
  const {path, query} = parseHash();
  const found = match(path);
  try {
    const user = found && found.who === 'anyone' ? me : await loadMe();
    if (ticket !== generation) return;
    renderNav();
    if (!found) return show({title: 'Not found', node: h('section', {}, h('h1', {}, 'No such page'),
      h('p', {}, h('a', {href: '#/'}, 'Back to the start')))});
    if (found.who !== 'anyone' && !user) {
      location.hash = `#/signin?next=${encodeURIComponent(path)}`;
      return;
    }
    let page = found.page;
    if (page === null) page = teaches(user) ? teacherCourses.page : studentCourses.page;
    else if (typeof page === 'object') page = teaches(user) ? page.teacher : page.student;
    else if (found.who === 'teacher' && !teaches(user)) page = forbidden;
    else if (found.who === 'student' && teaches(user)) page = forbidden;
    const view = await page({params: found.params, query, me: user, signedIn: signedInAs});
    if (ticket !== generation) {
      if (view.dispose) view.dispose();
      return;
    }
    show(view);
  } catch (error) {
    if (ticket !== generation) return;
    show({title: 'Something went wrong', node: h('section', {}, h('h1', {}, 'Something went wrong'),
      alertBox(error.describe ? error.describe() : error.message),
      h('p', {}, h('a', {href: '#/'}, 'Back to the start')))});
  }
}

function forbidden() {
  return {title: 'Not for this account', node: h('section', {}, h('h1', {}, 'Not for this account'),
    h('p', {}, 'This page belongs to another role.'), h('p', {}, h('a', {href: '#/'}, 'Back to my courses')))};
}

/** A page's view: {title, node, dispose?}; focus moves to the page's heading, as on a page load. */
function show(view) {
  document.title = `${view.title} · learngrid`;
  replace(main, view.node);
  dispose = view.dispose || null;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
  window.scrollTo(0, 0);
}

/** After a sign-in: who this is, then the page asked for. */
async function signedInAs(next) {
  me = null;
  await loadMe();
  location.hash = `#${next && next.startsWith('/') && !next.startsWith('//') ? next : '/'}`;
}

onSignedOut(() => {
  me = null;
  location.hash = '#/signin';
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', route);
route();
