// The assignment editor: a new assignment (title, due date, questions) or an existing one (title,
// due and lock dates, draft/published, each question's text, choices, answer and points).
import {get, patch, post, seg} from '../lib/api.js';
import {alertBox, field, h, replace} from '../lib/dom.js';
import {fromLocalInput, toLocalInput} from '../lib/format.js';

const MAX_QUESTIONS = 200;

function questionEditor(question, index, isNew, onRemove) {
  const prompt = h('textarea', {name: 'prompt', rows: 2, maxlength: 2000, required: true, value: question.prompt || ''});
  const kind = h('select', {name: 'kind', disabled: !isNew},
    ['choice', 'text', 'number'].map((k) => h('option', {value: k, selected: k === (question.kind || 'choice')}, k)));
  const choices = h('textarea', {name: 'choices', rows: 3, value: (question.choices || []).join('\n')});
  const answer = h('input', {name: 'answer', type: 'text', required: true, maxlength: 2000,
    value: question.answer === undefined ? '' : String(question.answer)});
  const points = h('input', {name: 'points', type: 'number', min: 0, max: 1000, step: 1, required: true,
    value: String(question.points ?? 1)});
  const choicesField = field('Choices, one per line', choices);
  const showChoices = () => { choicesField.hidden = kind.value !== 'choice'; };
  kind.addEventListener('change', showChoices);
  showChoices();
  const el = h('fieldset', {class: 'question-edit panel'},
    h('legend', {}, `Question ${index + 1}`),
    field('Question', prompt), field('Kind', kind, isNew ? null : 'The kind is fixed once the assignment exists.'),
    choicesField, field('Correct answer', answer, 'For a choice question, one of the choices exactly.'),
    field('Points', points),
    isNew && onRemove ? h('button', {type: 'button', class: 'secondary', onclick: () => onRemove(el)}, 'Remove question') : null);
  el.read = () => {
    const k = kind.value;
    const value = {prompt: prompt.value.trim(), answer: k === 'number' ? Number(answer.value) : answer.value,
      points: Number(points.value)};
    if (isNew) value.kind = k;
    if (k === 'choice') value.choices = choices.value.split('\n').map((c) => c.trim()).filter(Boolean);
    return value;
  };
  el.original = question;
  return el;
}

export async function page({params}) {
  const existing = params.assignmentId ? await get(`/api/v1/assignments/${seg(params.assignmentId)}`) : null;
  const courseId = existing ? existing.courseId : params.courseId;
  const isNew = !existing;
  const title = h('input', {name: 'title', type: 'text', required: true, maxlength: 200, value: existing?.title || ''});
  const dueAt = h('input', {name: 'dueAt', type: 'datetime-local', value: toLocalInput(existing?.dueAt)});
  const lockAt = h('input', {name: 'lockAt', type: 'datetime-local', value: toLocalInput(existing?.lockAt)});
  const status = h('select', {name: 'status'},
    h('option', {value: 'published', selected: (existing?.status || 'published') === 'published'}, 'Published: students see it'),
    h('option', {value: 'draft', selected: existing?.status === 'draft'}, 'Draft: hidden from students'));
  const questions = h('div', {id: 'questions'});
  const errors = h('div');
  const saved = h('div', {role: 'status'});

  const renumber = () => [...questions.children].forEach((q, i) => { q.querySelector('legend').textContent = `Question ${i + 1}`; });
  const remove = (el) => {
    if (questions.children.length > 1) el.remove();
    renumber();
  };
  const add = (question = {}) => {
    if (questions.children.length >= MAX_QUESTIONS) return;
    questions.append(questionEditor(question, questions.children.length, isNew, remove));
  };
  if (existing) existing.questions.forEach((q) => add(q));
  else add();

  const submit = h('button', {type: 'submit'}, isNew ? 'Create assignment' : 'Save changes');
  const formEl = h('form', {'aria-label': 'Assignment'},
    errors,
    field('Title', title), field('Due', dueAt, 'Answers after it are accepted and marked late.'),
    isNew ? null : field('Locked from', lockAt, 'No answers are taken after it.'),
    field('Status', status),
    h('h2', {}, 'Questions'), questions,
    isNew ? h('p', {}, h('button', {type: 'button', class: 'secondary', onclick: () => add()}, 'Add a question')) : null,
    h('div', {class: 'actions'}, submit), saved);

  formEl.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    replace(errors);
    replace(saved);
    try {
      const edited = [...questions.children].map((q) => q.read());
      if (isNew) {
        const created = await post(`/api/v1/courses/${seg(courseId)}/assignments`,
          {title: title.value.trim(), dueAt: fromLocalInput(dueAt.value), questions: edited},
          {headers: {'Idempotency-Key': crypto.randomUUID()}});
        // Creation publishes; a draft is one more step (the API takes status on updates only).
        if (status.value === 'draft') await patch(`/api/v1/assignments/${seg(created.id)}`, {status: 'draft'});
        location.hash = `#/courses/${encodeURIComponent(courseId)}`;
        return;
      }
      await patch(`/api/v1/assignments/${seg(existing.id)}`, {title: title.value.trim(),
        dueAt: fromLocalInput(dueAt.value), lockAt: fromLocalInput(lockAt.value), status: status.value});
      for (const el of questions.children) {
        const changes = changed(el.original, el.read());
        if (Object.keys(changes).length > 0) {
          await patch(`/api/v1/assignments/${seg(existing.id)}/questions/${seg(el.original.id)}`, changes);
        }
      }
      replace(saved, h('p', {class: 'ok'}, 'Saved. Changed answers and points regrade every attempt.'));
    } catch (error) {
      replace(errors, alertBox(error.describe ? error.describe() : error.message));
    } finally {
      submit.disabled = false;
    }
  });

  const heading = isNew ? 'New assignment' : `Edit: ${existing.title}`;
  return {
    title: heading,
    node: h('section', {},
      h('p', {class: 'crumbs'}, h('a', {href: `#/courses/${encodeURIComponent(courseId)}`}, 'Back to the course')),
      h('h1', {}, heading), formEl),
  };
}

function changed(original, edited) {
  const changes = {};
  for (const key of ['prompt', 'answer', 'points']) {
    if (edited[key] !== original[key]) changes[key] = edited[key];
  }
  if (edited.choices && JSON.stringify(edited.choices) !== JSON.stringify(original.choices || [])) {
    changes.choices = edited.choices;
  }
  return changes;
}
