// Sign-in, a student's own account, and the password reset that emails link to (#/reset?token=…).
import {post, signIn as apiSignIn} from '../lib/api.js';
import {alertBox, field, h, replace} from '../lib/dom.js';

/** A form whose submit button is disabled while `action` runs and whose errors show above it. */
function form(label, fields, submitText, action) {
  const errors = h('div', {class: 'errors'});
  const button = h('button', {type: 'submit'}, submitText);
  const el = h('form', {'aria-label': label, novalidate: false}, errors, fields, h('div', {class: 'actions'}, button));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    replace(errors);
    try {
      await action();
    } catch (error) {
      replace(errors, alertBox(error.describe ? error.describe() : error.message));
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

const input = (name, type, autocomplete, extra = {}) =>
  h('input', {name, type, autocomplete, required: true, ...extra});

export function signIn({query, signedIn}) {
  const email = input('email', 'email', 'username', {maxlength: 320});
  const password = input('password', 'password', 'current-password', {maxlength: 1000});
  const node = h('section', {class: 'narrow'},
    h('h1', {}, 'Sign in'),
    form('Sign in', [field('Email', email), field('Password', password)], 'Sign in', async () => {
      await apiSignIn(email.value.trim(), password.value);
      await signedIn(query.get('next'));
    }),
    h('p', {}, h('a', {href: '#/forgot'}, 'Forgot your password?')),
    h('p', {}, 'A student without an account? ', h('a', {href: '#/register'}, 'Create one')));
  return {title: 'Sign in', node};
}

export function register({signedIn}) {
  const name = input('displayName', 'text', 'name', {maxlength: 200});
  const email = input('email', 'email', 'email', {maxlength: 320});
  const password = input('password', 'password', 'new-password', {minlength: 8, maxlength: 1000});
  const node = h('section', {class: 'narrow'},
    h('h1', {}, 'Create a student account'),
    form('Create a student account', [field('Your name', name), field('Email', email),
      field('Password', password, 'At least 8 characters.')], 'Create account', async () => {
      await post('/api/v1/auth/register', {email: email.value.trim(), password: password.value,
        displayName: name.value.trim()}, {auth: false, headers: {'Idempotency-Key': crypto.randomUUID()}});
      await apiSignIn(email.value.trim(), password.value);
      await signedIn('/');
    }),
    h('p', {}, h('a', {href: '#/signin'}, 'Back to sign-in')));
  return {title: 'Create an account', node};
}

export function forgot() {
  const email = input('email', 'email', 'email', {maxlength: 320});
  const done = h('div', {role: 'status'});
  const node = h('section', {class: 'narrow'},
    h('h1', {}, 'Reset your password'),
    form('Reset your password', [field('Email', email)], 'Email me a reset link', async () => {
      await post('/api/v1/auth/password-reset', {email: email.value.trim()}, {auth: false});
      replace(done, h('p', {class: 'ok'}, 'If that address has an account, an email with a link is on its way.'));
    }),
    done,
    h('p', {}, h('a', {href: '#/signin'}, 'Back to sign-in')));
  return {title: 'Reset your password', node};
}

export function reset({query}) {
  const token = input('token', 'text', 'one-time-code', {value: query.get('token') || '', maxlength: 200});
  const password = input('newPassword', 'password', 'new-password', {minlength: 8, maxlength: 1000});
  const done = h('div', {role: 'status'});
  const node = h('section', {class: 'narrow'},
    h('h1', {}, 'Choose a new password'),
    form('Choose a new password', [field('Token from the email', token),
      field('New password', password, 'At least 8 characters.')], 'Set password', async () => {
      await post('/api/v1/auth/password-reset/confirm', {token: token.value.trim(), newPassword: password.value},
        {auth: false});
      replace(done, h('p', {class: 'ok'}, 'Done. ', h('a', {href: '#/signin'}, 'Sign in with the new password')));
    }),
    done);
  return {title: 'Choose a new password', node};
}

export {form, input};
