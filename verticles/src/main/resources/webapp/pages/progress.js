// A student's progress figures, shared by the student pages.
import {h} from '../lib/dom.js';
import {percent} from '../lib/format.js';

/** assignmentId → {answered, correct, points, maxPoints} from GET /me/progress. */
export function byAssignment(progress) {
  const map = new Map();
  for (const course of progress.courses) {
    for (const a of course.assignments) map.set(a.assignmentId, a);
  }
  return map;
}

/** Points of a course's assignments added up. */
export function courseTotals(progress, courseId) {
  const course = progress.courses.find((c) => c.courseId === courseId);
  const totals = {points: 0, maxPoints: 0, answered: 0};
  for (const a of course ? course.assignments : []) {
    totals.points += a.points;
    totals.maxPoints += a.maxPoints;
    totals.answered += a.answered;
  }
  return totals;
}

/** A labelled progress bar: "7 of 10 points". */
export function scoreBar(points, maxPoints, label = 'points') {
  return h('span', {class: 'score'},
    h('progress', {max: String(Math.max(maxPoints, 1)), value: String(points),
      'aria-label': `${points} of ${maxPoints} ${label}`}),
    h('span', {}, ` ${points} / ${maxPoints} ${label} (${percent(points, maxPoints)}%)`));
}
