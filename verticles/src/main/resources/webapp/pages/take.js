// Taking an assignment: one form per question (choice, text or number), graded at once by the
// server; the feedback is announced, and the score comes from the student's progress.
import {get, post, seg} from '../lib/api.js';
import {alertBox, h, replace, uid} from '../lib/dom.js';
import {when} from '../lib/format.js';
import {byAssignment, scoreBar} from './progress.js';

// Progress is aggregated after the answer's 202 (within ~2 s): read it again until its asOf has
// passed the answer's submittedAt (every answer before asOf is in it), a few times at most.
const PROGRESS_POLL_MS = 600;
const PROGRESS_POLLS = 8;

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
  let polls = 0;
  let waitingFor = 0;
  const refreshScore = (submittedAt) => {
    waitingFor = Math.max(waitingFor, Date.parse(submittedAt));
    polls = 0;
    clearTimeout(timer);
    const poll = async () => {
      polls += 1;
      try {
        const progress = await get('/api/v1/me/progress');
        showScore(byAssignment(progress).get(id));
        if (Date.parse(progress.asOf) > waitingFor || polls >= PROGRESS_POLLS) return;
      } catch {
        if (polls >= PROGRESS_POLLS) return; // the score stays as it was; the next answer reads it again
      }
      timer = setTimeout(poll, PROGRESS_POLL_MS);
    };
    timer = setTimeout(poll, PROGRESS_POLL_MS);
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
        refreshScore(result.submittedAt);
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
      h('p', {class: 'meta'}, assignment.dueAt ? `Due ${when(assignment.dueAt)}` : 'No due date', assignment.lockAt ? ` · closes ${when(assignment.lockAt)}` : ''),
      score, questions),
    dispose: () => clearTimeout(timer),
  };
}
