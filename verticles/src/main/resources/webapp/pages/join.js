// Joining a course: from the teacher's join link (#/join/<courseId>) or by picking the course;
// the code is what the teacher shows the class.
import {ApiError, all, get, post, seg} from '../lib/api.js';
import {field, h} from '../lib/dom.js';
import {form, input} from './auth.js';

export async function page({params, query, me}) {
  let courseField;
  let courseId = () => params.courseId;
  let heading = 'Join a course';
  if (params.courseId) {
    const course = await get(`/api/v1/courses/${seg(params.courseId)}`);
    heading = `Join ${course.title}`;
  } else {
    const courses = await all('/api/v1/courses', 1);
    const select = h('select', {name: 'course', required: true},
      h('option', {value: ''}, 'Choose a course'),
      courses.map((c) => h('option', {value: c.id}, `${c.title} (${c.subject})`)));
    courseField = field('Course', select, 'Or open the join link your teacher gave you.');
    courseId = () => select.value;
  }
  const code = input('joinCode', 'text', 'off', {value: query.get('code') || '', maxlength: 64, required: false,
    autocapitalize: 'characters', spellcheck: 'false'});
  const joinForm = form('Join a course', [courseField, field('Join code', code,
    'The 8 characters your teacher shows. Leave it empty if the course needs none.')], 'Join', async () => {
    const body = {studentId: me.id};
    if (code.value.trim()) body.joinCode = code.value.trim();
    try {
      await post(`/api/v1/courses/${seg(courseId())}/enrollments`, body);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        throw new ApiError(403, {detail: 'That join code is not this course\'s (or only the teacher enrolls here).'});
      }
      throw error;
    }
    location.hash = `#/courses/${encodeURIComponent(courseId())}`;
  });
  return {title: heading, node: h('section', {class: 'narrow'}, h('h1', {}, heading), joinForm)};
}
