// The course event stream (text/event-stream) read with fetch, because EventSource cannot send an
// Authorization header. A small parser of the SSE wire format (WHATWG HTML, "event stream
// interpretation"); on a cut it reconnects with Last-Event-ID, so the server resumes after the last
// event this page saw.
import {authFetch} from './api.js';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/**
 * Opens `path` and calls onEvent({type, data, id}) for each event (data parsed as JSON when it is
 * JSON), onState('connecting' | 'live' | 'reconnecting' | 'closed', detail) as the link changes.
 * Returns close().
 */
export function openEventStream(path, {onEvent, onState = () => {}}) {
  let lastEventId = null;
  let retryMs = FIRST_RETRY_MS;
  let closed = false;
  let controller = null;
  let timer = null;

  async function connect() {
    controller = new AbortController();
    onState('connecting');
    try {
      const headers = {Accept: 'text/event-stream'};
      if (lastEventId !== null) headers['Last-Event-ID'] = lastEventId;
      const response = await authFetch(path, {headers, signal: controller.signal, cache: 'no-store'});
      if (!response.ok || !response.body) {
        onState('reconnecting', `the server answered ${response.status}`);
        return retryLater(response.status >= 400 && response.status < 500);
      }
      onState('live');
      retryMs = FIRST_RETRY_MS;
      await read(response.body);
      if (!closed) onState('reconnecting', 'the stream ended');
    } catch (error) {
      if (closed) return;
      onState('reconnecting', error.message);
    }
    retryLater(false);
  }

  function retryLater(slow) {
    if (closed) return;
    const wait = slow ? MAX_RETRY_MS : retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    timer = setTimeout(connect, wait);
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let event = {type: '', data: [], id: null};
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      // Lines end with CRLF, LF or CR; a CR at the very end may be half of a CRLF still to come.
      while ((end = buffer.search(/\r\n|\n|\r(?!$)/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
        event = line === '' ? dispatch(event) : parseLine(line, event);
      }
    }
  }

  function parseLine(line, event) {
    if (line.startsWith(':')) return event; // a comment: the server's heartbeat
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event.type = value;
    else if (name === 'data') event.data.push(value);
    else if (name === 'id' && !value.includes('\0')) event.id = value;
    else if (name === 'retry' && /^\d+$/.test(value)) retryMs = Math.min(Number(value), MAX_RETRY_MS);
    return event;
  }

  function dispatch(event) {
    if (event.id !== null) lastEventId = event.id;
    if (event.data.length > 0) {
      const text = event.data.join('\n');
      let data = text;
      try { data = JSON.parse(text); } catch { /* not JSON: passed on as text */ }
      onEvent({type: event.type || 'message', data, id: event.id ?? lastEventId});
    }
    return {type: '', data: [], id: null};
  }

  connect();
  return function close() {
    closed = true;
    clearTimeout(timer);
    if (controller) controller.abort();
    onState('closed');
  };
}
