/*
 * Palisade autosave: progressive enhancement of the assessment answer forms.
 *
 * Without JavaScript every <form class="answer-form"> works as a normal POST
 * form with a visible save button. With JavaScript:
 *
 *  - every .answer-form: the .acceptance-fields / .na-fields containers are
 *    shown or hidden to match the chosen level and the N/A checkbox;
 *  - forms with a data-autosave attribute: the .save-button elements are
 *    hidden and answers are saved in the background with fetch() on change,
 *    while typing (debounced) and when a text field loses focus. Saves are
 *    serialised per form: never two requests in flight for the same form, the
 *    latest state is sent once the current request has finished.
 *
 * Server contract (JSON, for requests with X-Requested-With: fetch):
 *   200 {"ok":true,"version":N,"saved_at":"15:04","message":"Saved"}
 *   422 {"ok":false,"errors":{"field":"message"},"message":"..."}
 *   409 {"ok":false,"conflict":true,"message":"...","theirs":{...}}
 *
 * Field errors go into the element with id "<form id>-<field>-error".
 *
 * Plain ES2017, no modules, no eval, no inline styles: safe under
 * Content-Security-Policy script-src 'self'.
 */
(function () {
  'use strict';

  var TYPING_DELAY_MS = 800;
  var RETRY_DELAY_MS = 5000;
  var MSG_OFFLINE = 'Not saved \u2014 check your connection; your answer is still on this page.';
  var MSG_SERVER = 'Not saved \u2014 the server could not save your answer right now; your answer is still on this page.';
  var MSG_INVALID = 'Not saved \u2014 please check the answers marked below.';
  var MSG_CONFLICT = 'Someone else saved this answer while you were editing it.';
  var TEXT_TYPES = ['text', 'search', 'url', 'email', 'tel', 'number', ''];

  var states = [];
  var leaving = false;

  /* ---------- small helpers ---------- */

  function warn(message, detail) {
    try {
      if (window.console && typeof window.console.warn === 'function') {
        window.console.warn('[palisade autosave] ' + message, detail === undefined ? '' : detail);
      }
    } catch (ignored) {
      // Logging must never break the page.
    }
  }

  function cssEscape(value) {
    if (window.CSS && typeof window.CSS.escape === 'function') {
      return window.CSS.escape(value);
    }
    return String(value).replace(/["\\]/g, '\\$&');
  }

  function isTextField(el) {
    if (!el || !el.tagName) {
      return false;
    }
    var tag = el.tagName.toLowerCase();
    if (tag === 'textarea') {
      return true;
    }
    if (tag !== 'input') {
      return false;
    }
    var type = (el.getAttribute('type') || '').toLowerCase();
    return TEXT_TYPES.indexOf(type) !== -1;
  }

  function tokens(value) {
    return (value || '').split(/\s+/).filter(function (t) {
      return t !== '';
    });
  }

  function addToken(el, attr, token) {
    var list = tokens(el.getAttribute(attr));
    if (list.indexOf(token) === -1) {
      list.push(token);
      el.setAttribute(attr, list.join(' '));
    }
  }

  function removeToken(el, attr, token) {
    var list = tokens(el.getAttribute(attr));
    var next = list.filter(function (t) {
      return t !== token;
    });
    if (next.length === list.length) {
      return;
    }
    if (next.length === 0) {
      el.removeAttribute(attr);
    } else {
      el.setAttribute(attr, next.join(' '));
    }
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function nowHHMM() {
    var d = new Date();
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  // HTMLFormElement.prototype.submit survives a control named "submit".
  function nativeSubmit(form) {
    HTMLFormElement.prototype.submit.call(form);
  }

  /* ---------- show / hide dependent fields (all answer forms) ---------- */

  function setShown(container, shown) {
    if (container) {
      container.hidden = !shown;
    }
  }

  function syncDependentFields(form) {
    var acceptance = form.querySelector('.acceptance-fields');
    if (acceptance) {
      var chosen = form.querySelector('input[type="radio"][name="choice"]:checked');
      setShown(acceptance, !!(chosen && chosen.getAttribute('data-requires') === 'acceptance'));
    }
    var naFields = form.querySelector('.na-fields');
    if (naFields) {
      var na = form.querySelector('input[type="checkbox"][name="na"]');
      setShown(naFields, !!(na && na.checked));
    }
  }

  /* ---------- status and error display ---------- */

  function ensureStatus(state) {
    if (!state.status) {
      var p = document.createElement('p');
      p.className = 'save-status';
      p.setAttribute('role', 'status');
      p.setAttribute('aria-live', 'polite');
      state.form.appendChild(p);
      state.status = p;
    }
    return state.status;
  }

  function setStatus(state, text, kind) {
    var status = ensureStatus(state);
    status.textContent = text;
    status.classList.toggle('is-saved', kind === 'saved');
    status.classList.toggle('is-error', kind === 'error');
  }

  function controlsFor(form, field) {
    var found = form.querySelectorAll('[name="' + cssEscape(field) + '"]');
    var out = [];
    for (var i = 0; i < found.length; i++) {
      var type = (found[i].getAttribute('type') || '').toLowerCase();
      if (type !== 'hidden' && type !== 'submit' && type !== 'button') {
        out.push(found[i]);
      }
    }
    return out;
  }

  function errorIdFor(form, field) {
    return form.id ? form.id + '-' + field + '-error' : '';
  }

  function findErrorElement(form, field, controls) {
    var id = errorIdFor(form, field);
    var el = id ? document.getElementById(id) : null;
    if (el || controls.length === 0 || !id) {
      return el;
    }
    // The template did not render an error slot: add one after the control
    // (or after its .field / fieldset wrapper) so the message is still shown.
    el = document.createElement('p');
    el.className = 'field-error';
    el.id = id;
    var anchor = controls[controls.length - 1];
    var wrapper = anchor.closest('fieldset, .field');
    if (wrapper && form.contains(wrapper)) {
      wrapper.appendChild(el);
    } else {
      anchor.insertAdjacentElement('afterend', el);
    }
    return el;
  }

  function clearErrors(state) {
    var form = state.form;
    var invalid = form.querySelectorAll('[aria-invalid="true"]');
    for (var i = 0; i < invalid.length; i++) {
      invalid[i].removeAttribute('aria-invalid');
    }
    if (!form.id) {
      return;
    }
    var prefix = form.id + '-';
    var slots = document.querySelectorAll('[id^="' + cssEscape(prefix) + '"][id$="-error"]');
    for (var j = 0; j < slots.length; j++) {
      slots[j].textContent = '';
    }
    var described = form.querySelectorAll('[aria-describedby]');
    for (var k = 0; k < described.length; k++) {
      var el = described[k];
      tokens(el.getAttribute('aria-describedby')).forEach(function (token) {
        if (token.indexOf(prefix) === 0 && /-error$/.test(token)) {
          removeToken(el, 'aria-describedby', token);
        }
      });
    }
  }

  function showErrors(state, errors) {
    var form = state.form;
    Object.keys(errors || {}).forEach(function (field) {
      var message = String(errors[field] || '');
      if (!message) {
        return;
      }
      var controls = controlsFor(form, field);
      var slot = findErrorElement(form, field, controls);
      if (slot) {
        slot.textContent = message;
        slot.hidden = false;
      }
      controls.forEach(function (control) {
        control.setAttribute('aria-invalid', 'true');
        if (slot && slot.id) {
          addToken(control, 'aria-describedby', slot.id);
        }
      });
    });
  }

  function showConflict(state, message) {
    var status = ensureStatus(state);
    setStatus(state, (message || MSG_CONFLICT) + ' ', 'error');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-link';
    button.textContent = 'Reload to compare';
    button.addEventListener('click', function () {
      // A plain POST (no fetch headers) lets the server show its conflict page.
      leaving = true;
      cancelTimers(state);
      nativeSubmit(state.form);
    });
    status.appendChild(button);
  }

  /* ---------- saving ---------- */

  function cancelTimers(state) {
    if (state.typingTimer !== null) {
      window.clearTimeout(state.typingTimer);
      state.typingTimer = null;
    }
    if (state.retryTimer !== null) {
      window.clearTimeout(state.retryTimer);
      state.retryTimer = null;
    }
  }

  function isDirty(state) {
    return state.changes > state.savedChanges;
  }

  function hasPendingWork(state) {
    return state.inFlight || state.queued || state.typingTimer !== null || isDirty(state);
  }

  function markChanged(state) {
    state.changes += 1;
  }

  function requestSave(state, isRetry) {
    if (state.conflict) {
      return; // Saving again would only conflict again; the user must reload.
    }
    if (state.inFlight) {
      state.queued = true;
      return;
    }
    if (!isDirty(state)) {
      return;
    }
    send(state, !!isRetry);
  }

  function send(state, isRetry) {
    var form = state.form;
    var sentChanges = state.changes;
    state.inFlight = true;
    state.queued = false;
    if (state.retryTimer !== null) {
      window.clearTimeout(state.retryTimer);
      state.retryTimer = null;
    }
    form.setAttribute('aria-busy', 'true');

    var request;
    try {
      // URL-encoded, like the plain form POST: the server reads bodies with
      // ParseForm, which ignores multipart/form-data (a FormData body).
      request = window.fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { 'Accept': 'application/json', 'X-Requested-With': 'fetch' },
        credentials: 'same-origin'
      });
    } catch (err) {
      request = Promise.reject(err);
    }

    request
      .then(function (response) {
        return response.json().then(
          function (data) {
            return { status: response.status, data: data };
          },
          function () {
            return { status: response.status, data: null };
          }
        );
      })
      .then(function (result) {
        handleResponse(state, result.status, result.data, sentChanges, isRetry);
      }, function (err) {
        warn('save failed', err);
        handleFailure(state, MSG_OFFLINE, isRetry);
      })
      .then(finish, function (err) {
        warn('unexpected error while saving', err);
        finish();
      });

    function finish() {
      state.inFlight = false;
      form.removeAttribute('aria-busy');
      if (state.queued) {
        state.queued = false;
        requestSave(state, false);
      }
    }
  }

  function handleResponse(state, status, data, sentChanges, isRetry) {
    var message = data && typeof data.message === 'string' ? data.message : '';

    if (status >= 200 && status < 300 && data && data.ok === true) {
      state.savedChanges = Math.max(state.savedChanges, sentChanges);
      var versionInput = state.form.querySelector('input[name="version"]');
      if (versionInput && data.version !== undefined && data.version !== null) {
        versionInput.value = String(data.version);
      }
      clearErrors(state);
      var at = typeof data.saved_at === 'string' && data.saved_at ? data.saved_at : nowHHMM();
      setStatus(state, 'Saved at ' + at, 'saved');
      return;
    }

    if (status === 409 || (data && data.conflict === true)) {
      state.conflict = true;
      state.queued = false;
      cancelTimers(state);
      showConflict(state, message);
      return;
    }

    if (status === 422 && data) {
      clearErrors(state);
      showErrors(state, data.errors);
      setStatus(state, message || MSG_INVALID, 'error');
      return;
    }

    if (data && data.ok === false && message && status < 500) {
      // Another refusal the server explained (for example an expired session).
      setStatus(state, message, 'error');
      return;
    }

    warn('unexpected response status ' + status, data);
    handleFailure(state, message || MSG_SERVER, isRetry);
  }

  function handleFailure(state, message, isRetry) {
    setStatus(state, message, 'error');
    if (isRetry || state.retryTimer !== null) {
      return;
    }
    state.retryTimer = window.setTimeout(function () {
      state.retryTimer = null;
      requestSave(state, true);
    }, RETRY_DELAY_MS);
  }

  function flushTyping(state) {
    if (state.typingTimer !== null) {
      window.clearTimeout(state.typingTimer);
      state.typingTimer = null;
      requestSave(state, false);
    }
  }

  /* ---------- wiring ---------- */

  function setUpAutosave(form) {
    var state = {
      form: form,
      status: form.querySelector('.save-status'),
      inFlight: false,
      queued: false,
      conflict: false,
      changes: 0,
      savedChanges: 0,
      typingTimer: null,
      retryTimer: null
    };
    states.push(state);

    var buttons = form.querySelectorAll('.save-button');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].classList.add('js-hidden');
    }

    form.addEventListener('input', function (event) {
      if (!isTextField(event.target)) {
        return; // radios, checkboxes and selects are handled on change
      }
      markChanged(state);
      if (state.typingTimer !== null) {
        window.clearTimeout(state.typingTimer);
      }
      state.typingTimer = window.setTimeout(function () {
        state.typingTimer = null;
        requestSave(state, false);
      }, TYPING_DELAY_MS);
    });

    form.addEventListener('change', function () {
      markChanged(state);
      if (state.typingTimer !== null) {
        window.clearTimeout(state.typingTimer);
        state.typingTimer = null;
      }
      requestSave(state, false);
    });

    form.addEventListener('focusout', function (event) {
      if (isTextField(event.target)) {
        flushTyping(state);
      }
    });

    // Enter in a text field (or a save button that is still visible) saves in
    // the background instead of reloading the page.
    form.addEventListener('submit', function (event) {
      if (leaving) {
        return;
      }
      event.preventDefault();
      if (state.conflict) {
        leaving = true;
        nativeSubmit(form);
        return;
      }
      if (state.typingTimer !== null) {
        window.clearTimeout(state.typingTimer);
        state.typingTimer = null;
      }
      if (!isDirty(state)) {
        markChanged(state); // an explicit save always reaches the server
      }
      requestSave(state, false);
    });
  }

  function setUpToggles(form) {
    syncDependentFields(form);
    form.addEventListener('change', function (event) {
      var target = event.target;
      if (target && (target.name === 'choice' || target.name === 'na')) {
        syncDependentFields(form);
      }
    });
  }

  function start() {
    var forms = document.querySelectorAll('form.answer-form');
    for (var i = 0; i < forms.length; i++) {
      try {
        setUpToggles(forms[i]);
        if (forms[i].hasAttribute('data-autosave')) {
          setUpAutosave(forms[i]);
        }
      } catch (err) {
        warn('could not enhance a form', err);
      }
    }
    if (states.length === 0) {
      return;
    }

    window.addEventListener('beforeunload', function (event) {
      if (leaving) {
        return undefined;
      }
      var pending = false;
      states.forEach(function (state) {
        flushTyping(state);
        if (hasPendingWork(state)) {
          pending = true;
        }
      });
      if (!pending) {
        return undefined;
      }
      event.preventDefault();
      event.returnValue = '';
      return '';
    });

    // Save typed text straight away when the tab is hidden (switching apps on
    // a phone, closing the laptop lid).
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        states.forEach(flushTyping);
      }
    });

    // Connection back: try again for every form that still has unsaved work.
    window.addEventListener('online', function () {
      states.forEach(function (state) {
        if (isDirty(state)) {
          requestSave(state, false);
        }
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
