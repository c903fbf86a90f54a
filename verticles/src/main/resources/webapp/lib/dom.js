// Builds DOM nodes without innerHTML: every string a caller passes becomes text, never markup.

/**
 * h('p', {class: 'note', onclick: fn}, 'text', child) — attributes by name (`class`, `for`, aria-*,
 * data-*), `on…` functions as listeners, `true`/`false` as boolean attributes, null skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value') {
      el.value = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
/** A document-unique id, for label/for and aria-labelledby pairs. */
export function uid(prefix = 'id') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled form field: {label, input, hint?} laid out as one block. */
export function field(label, input, hint) {
  if (!input.id) input.id = uid('field');
  const hintEl = hint ? h('p', {class: 'hint', id: `${input.id}-hint`}, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', {class: 'field'}, h('label', {for: input.id}, label), input, hintEl);
}

/** An error box that screen readers announce at once. */
export function alertBox(message) {
  return h('p', {class: 'alert', role: 'alert'}, message);
}

/** Tells screen readers something without moving focus (the page's polite live region). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    // A fresh text node after a tick, so the same message twice is announced twice.
    setTimeout(() => { region.textContent = message; }, 50);
  }
}
