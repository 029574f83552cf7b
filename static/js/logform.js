/* FieldLog: the log form with a weak signal (issue 6).
 *
 * Online, the form is posted as usual (with the scaled photos) and the server's answer is
 * shown: its next page, or the form with its errors. Offline, or when the post fails or
 * takes too long, the entry is kept on the phone (store.js) and sent later by offline.js
 * with the same client_id, so the server keeps it once whatever happened to the first try.
 * A queued entry the server refused opens here (#queued=<client_id>) with its values and
 * the server's reasons, for her to correct.
 */
(function () {
  'use strict';
  const FieldLog = window.FieldLog;
  if (!FieldLog || !FieldLog.onPage) return;
  const SKIP = new Set(['csrf_token', 'client_id', 'version', 'photos']);
  const SUMMARY = ['topic', 'volunteer_activity', 'help_kind', 'needs', 'proposal_text', 'notes', 'place'];
  let carried = null;  // photos kept while the server shows the form again with errors

  function localToday() {
    const d = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }

  /** A form opened from the phone's copy may be days old: give it today's date. */
  function freshDate(form) {
    const input = form.elements.happened_on;
    if (!input) return;
    const today = localToday();
    const on = new URLSearchParams(location.search).get('on');
    if (on && /^\d{4}-\d{2}-\d{2}$/.test(on)) {
      if (on <= today) input.value = on;
    } else if (form.dataset.renderedOn && input.value === form.dataset.renderedOn &&
               form.dataset.renderedOn < today) {
      input.value = today;
    }
  }

  function fieldsOf(form) {
    const fields = {};
    for (const control of form.elements) {
      const name = control.name;
      if (!name || SKIP.has(name) || control.type === 'file' || control.type === 'submit') continue;
      if (control.type === 'radio' || control.type === 'checkbox') {
        if (control.checked) fields[name] = control.value;
        else if (!(name in fields)) fields[name] = null;
      } else {
        fields[name] = control.value === '' ? null : control.value;
      }
    }
    return fields;
  }

  function collect(form, photos) {
    const fields = fieldsOf(form);
    const happenedOn = fields.happened_on;
    delete fields.happened_on;
    const summaryField = SUMMARY.find((name) => fields[name]);
    const summary = summaryField ? String(fields[summaryField]) : '';
    return {
      client_id: form.elements.client_id.value,
      account: FieldLog.config.account,
      duty: form.dataset.duty,
      duty_name: form.dataset.dutyName,
      happened_on: happenedOn,
      fields,
      edit_of: form.dataset.logId ? Number(form.dataset.logId) : null,
      version: form.elements.version && form.elements.version.value
        ? Number(form.elements.version.value) : null,
      photos: (photos ? photos.items : []).map((p) => ({...p, sent: false})),
      summary: summary.length > 40 ? `${summary.slice(0, 40)}…` : summary,
      queued_at: Date.now(),
      state: 'waiting',
      attempts: 0,
      next_try: 0,
      errors: {},
      error: null,
    };
  }

  function setValues(form, entry) {
    const values = {...entry.fields, happened_on: entry.happened_on};
    for (const [name, value] of Object.entries(values)) {
      const control = form.elements[name];
      if (!control) continue;
      if (control instanceof RadioNodeList) {
        for (const option of control) option.checked = value !== null && option.value === String(value);
      } else if (control.type === 'radio' || control.type === 'checkbox') {
        control.checked = value !== null && control.value === String(value);
      } else {
        control.value = value === null || value === undefined ? '' : value;
      }
    }
  }

  /** The server's field errors next to their fields, as the server-rendered form shows them. */
  function showErrors(form, errors, general) {
    const t = FieldLog.text;
    form.querySelectorAll('.script-errors').forEach((node) => node.remove());
    const unplaced = [];
    for (const [name, messages] of Object.entries(errors || {})) {
      const control = form.elements[name];
      const first = control instanceof RadioNodeList ? control[0] : control;
      const box = first && first.closest('.field');
      if (!box) {
        unplaced.push(...[].concat(messages));
        continue;
      }
      box.classList.add('has-error');
      const ul = document.createElement('ul');
      ul.className = 'field-errors script-errors';
      ul.id = `${name}-errors`;
      for (const message of [].concat(messages)) {
        const li = document.createElement('li');
        li.textContent = message;
        ul.append(li);
      }
      box.append(ul);
      if (first.setAttribute) first.setAttribute('aria-invalid', 'true');
    }
    const top = document.createElement('div');
    top.className = 'form-errors script-errors';
    top.setAttribute('role', 'alert');
    // The server's general message says the same as ours when its reasons sit on fields.
    const extra = unplaced.length || !Object.keys(errors || {}).length ? [...unplaced, general] : [];
    for (const message of [t.check_fields, ...extra.filter(Boolean)]) {
      const p = document.createElement('p');
      p.textContent = message;
      top.append(p);
    }
    form.prepend(top);
  }

  async function prefill(form, photos, clientId) {
    const t = FieldLog.text;
    let entry;
    try {
      entry = await FieldLog.store.get(clientId);
    } catch (error) {
      return;
    }
    if (!entry || entry.account !== FieldLog.config.account) return;
    form.elements.client_id.value = entry.client_id;
    form.dataset.queued = entry.client_id;
    setValues(form, entry);
    if (photos) photos.set(entry.photos.filter((p) => !p.sent));
    if (entry.state === 'conflict') {
      // The form came from the server with the log's current version: saving replaces it,
      // which is now her informed choice.
      FieldLog.notice(t.fix_conflict, 'error');
    } else if (entry.state === 'rejected') {
      FieldLog.notice(t.fix_rejected, 'error');
      showErrors(form, entry.errors, entry.error);
    }
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'button block danger-outline queue-discard';
    discard.textContent = t.discard;
    discard.addEventListener('click', async () => {
      if (!window.confirm(t.discard_confirm)) return;
      await FieldLog.store.remove(entry.client_id);
      location.assign(entry.edit_of ? FieldLog.config.urls.logs : FieldLog.config.urls.home);
    });
    form.append(discard);
  }

  async function keep(entry, form, photos, {pagePosted, toLogin}) {
    const t = FieldLog.text;
    const earlier = await FieldLog.store.get(entry.client_id).catch(() => null);
    if (earlier) {
      entry.queued_at = earlier.queued_at;  // keeps its place in the queue
      entry.page_posted = earlier.page_posted;
    }
    entry.page_posted = Boolean(entry.page_posted || pagePosted);
    await FieldLog.store.put(entry);
    const controlled = 'serviceWorker' in navigator && navigator.serviceWorker.controller;
    if (toLogin || controlled) {
      FieldLog.noticeNext(t.queued_saved, 'success');
      const urls = FieldLog.config.urls;
      location.assign(toLogin ? urls.login : (entry.edit_of ? urls.logs : urls.home));
      return;
    }
    // No offline copy of the other pages yet: stay, ready for the next entry.
    FieldLog.notice(t.queued_saved, 'success');
    if (!entry.edit_of) {
      form.reset();
      form.elements.client_id.value = FieldLog.photos.uuid();
      if (photos) photos.set([]);
    }
    window.scrollTo(0, 0);
    FieldLog.refresh();
  }

  function timeoutFor(photos) {
    const bytes = photos ? photos.items.reduce((sum, p) => sum + p.blob.size, 0) : 0;
    return 20000 + bytes / 20;  // 20 s, plus time for the photos at 20 KB/s
  }

  function postBody(form, photos) {
    const body = new FormData(form);
    body.delete('photos');
    if (photos) {
      photos.items.forEach((p, i) => {
        body.append('photos', new File([p.blob], `photo-${i + 1}.jpg`, {type: 'image/jpeg'}));
      });
    }
    return body;
  }

  async function submit(event, form, photos) {
    event.preventDefault();
    if (form.dataset.busy) return;
    const button = form.querySelector('button.primary[type=submit]');
    const label = button ? button.textContent : '';
    form.dataset.busy = '1';
    if (button) {
      button.disabled = true;
      button.textContent = FieldLog.text.saving;
    }
    try {
      if (photos) await photos.ready();
      const entry = collect(form, photos);
      if (navigator.onLine === false) return await keep(entry, form, photos, {pagePosted: false});
      let response;
      try {
        response = await FieldLog.fetchWithTimeout(form.action || location.href, {
          method: 'POST', body: postBody(form, photos), credentials: 'same-origin',
        }, timeoutFor(photos));
      } catch (error) {
        // No answer: it may or may not have arrived. The client_id makes a resend safe.
        return await keep(entry, form, photos, {pagePosted: true});
      }
      const landed = new URL(response.url, location.href).pathname;
      if (response.redirected && landed === FieldLog.config.urls.login) {
        return await keep(entry, form, photos, {pagePosted: false, toLogin: true});
      }
      if (response.status >= 500 || response.status === 400 || response.status === 413) {
        // A server fault, a lost session (security token) or a request too large for the
        // server in one piece: keep it; the queue sends the entry, then each photo alone.
        return await keep(entry, form, photos, {pagePosted: response.status >= 500});
      }
      if (response.redirected) {
        await FieldLog.store.remove(entry.client_id).catch(() => null);
      } else if (photos && photos.items.length) {
        carried = {client_id: entry.client_id, items: photos.items.slice()};
      }
      FieldLog.showPage(await response.text(), response.url);
    } finally {
      delete form.dataset.busy;
      if (button && button.isConnected) {
        button.disabled = false;
        button.textContent = label;
      }
    }
  }

  function init() {
    const form = document.querySelector('form.log-form');
    if (!form || !FieldLog.config.account || form.dataset.enhanced) return;
    form.dataset.enhanced = '1';
    const photos = FieldLog.photos.attach(form);
    if ('fresh' in form.dataset) {
      // A copy kept for offline use would otherwise reuse one client_id for every entry.
      form.elements.client_id.value = FieldLog.photos.uuid();
      freshDate(form);
    }
    if (carried && photos && carried.client_id === form.elements.client_id.value) {
      photos.set(carried.items);
    }
    carried = null;
    const match = location.hash.match(/^#queued=([\w-]+)$/);
    if (match) prefill(form, photos, decodeURIComponent(match[1]));
    form.addEventListener('submit', (event) => submit(event, form, photos));
  }

  FieldLog.onPage(init);
})();
