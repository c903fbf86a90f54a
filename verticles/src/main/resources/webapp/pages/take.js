// Taking an assignment: one form per question (choice, text or number), graded at once by the
// server; the feedback is announced, and the score comes from the student's progress.
import {get, post, seg} from '../lib/api.js';
import {alertBox, h, replace, uid} from '../lib/dom.js';
import {when} from '../lib/format.js';
import {byAssignment, scoreBar} from './progress.js';

// Progress is aggregated after the answer's 202 (within ~2 s): read it again once after answering.
const PROGRESS_REFRESH_MS = 1_500;

function answerInput(question, promptId) {
  if (question.kind === 'choice') {
    const name = uid('choice');
    return h('div', {class: 'choices', role: 'radiogroup', 'aria-labelledby': promptId},
      question.choices.map((choice) => {
        const id = uid('opt');
        return h('div', {class: 'choice'}, h('input', {type: 'radio', name, id, value: choice, required: true}),
          h('label', {for: id}, choice));
      }));
  }
  const attrs = question.kind === 'number'
    ? {type: 'number', step: 'any', inputmode: 'decimal'}
    : {type: 'text', maxlength: 2000, autocomplete: 'off'};
  return h('input', {...attrs, name: 'answer', required: true, 'aria-labelledby': promptId});
}

function readAnswer(formEl, question) {
  if (question.kind === 'choice') return formEl.querySelector('input[type=radio]:checked')?.value;
  const value = formEl.querySelector('input[name=answer]').value;
  return question.kind === 'number' ? Number(value) : value;
}

export async function page({params}) {
  const id = params.assignmentId;
  const [assignment, progress] = await Promise.all([get(`/api/v1/assignments/${seg(id)}`), get('/api/v1/me/progress')]);
  const score = h('div', {id: 'score', role: 'status'});
  const showScore = (p) => replace(score, p
    ? [h('span', {}, `Answered ${p.answered} of ${assignment.questions.length}, ${p.correct} correct. `),
      scoreBar(p.points, p.maxPoints)]
    : h('span', {}, 'Not started yet.'));
  showScore(byAssignment(progress).get(id));
  let timer = null;
  const refreshScore = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        showScore(byAssignment(await get('/api/v1/me/progress')).get(id));
      } catch {
        // The score stays as it was; the next answer reads it again.
      }
    }, PROGRESS_REFRESH_MS);
  };

  const questions = assignment.questions.map((question, index) => {
    const promptId = uid('prompt');
    const feedback = h('div', {class: 'feedback', role: 'status', 'aria-live': 'polite'});
    const button = h('button', {type: 'submit'}, 'Check answer');
    const el = h('form', {class: 'question panel', 'aria-labelledby': promptId, 'data-question': question.id},
      h('h2', {id: promptId}, h('span', {class: 'qnum'}, `Question ${index + 1}. `), question.prompt,
        h('span', {class: 'meta'}, ` (${question.points} ${question.points === 1 ? 'point' : 'points'})`)),
      answerInput(question, promptId),
      h('div', {class: 'actions'}, button),
      feedback);
    el.addEventListener('submit', async (event) => {
      event.preventDefault();
      const answer = readAnswer(el, question);
      if (answer === undefined || answer === '' || Number.isNaN(answer)) {
        replace(feedback, alertBox('Give an answer first.'));
        return;
      }
      button.disabled = true;
      try {
        const result = await post(`/api/v1/assignments/${seg(id)}/answers`, {questionId: question.id, answer});
        replace(feedback, h('p', {class: result.correct ? 'ok' : 'wrong'},
          result.correct ? `Correct: ${result.pointsAwarded} of ${question.points} points.`
            : 'Not correct (0 points). You may try again.',
          result.late ? ' Submitted after the due date.' : ''));
        refreshScore();
      } catch (error) {
        replace(feedback, alertBox(error.describe()));
      } finally {
        button.disabled = false;
      }
    });
    return el;
  });

  return {
    title: assignment.title,
    node: h('section', {},
      h('p', {class: 'crumbs'}, h('a', {href: `#/courses/${encodeURIComponent(assignment.courseId)}`}, 'Back to the course')),
      h('h1', {}, assignment.title),
      h('p', {class: 'meta'}, `Due ${when(assignment.dueAt)}`, assignment.lockAt ? ` · closes ${when(assignment.lockAt)}` : ''),
      score, questions),
    dispose: () => clearTimeout(timer),
  };
}
