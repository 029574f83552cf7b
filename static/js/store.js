/* FieldLog: the queue of entries waiting on this phone, in IndexedDB (issue 6).
 *
 * Database "fieldlog", object store "queue", keyed by the entry's client_id. An entry:
 *   {client_id, account, duty, duty_name, happened_on, fields: {name: value},
 *    log_id, version            (an edit of a saved log; null for a new entry)
 *    photos: [{client_id, blob, thumb, width, height, sent}],
 *    state: 'waiting' | 'rejected' | 'conflict' | 'photo_failed',
 *    errors: {field: [messages]}, error, queued_at, attempts, next_try, page_posted}
 * A saved entry is deleted once the server has it and all its photos.
 */
(function () {
  'use strict';
  const FieldLog = (window.FieldLog = window.FieldLog || {});
  const DB_NAME = 'fieldlog';
  const STORE = 'queue';
  let opening = null;

  function promised(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function open() {
    if (!('indexedDB' in window)) return Promise.reject(new Error('no IndexedDB'));
    if (!opening) {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, {keyPath: 'client_id'});
      };
      opening = promised(request).then((db) => {
        // Another tab deleting the database (logout) must not be blocked by this one.
        db.onversionchange = () => { db.close(); opening = null; };
        return db;
      });
      opening.catch(() => { opening = null; });
    }
    return opening;
  }

  async function run(mode, work) {
    const db = await open();
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('aborted'));
    });
    return result instanceof IDBRequest ? result.result : result;
  }

  const store = {
    /** Every entry of this account (all accounts when account is undefined), oldest first. */
    async all(account) {
      const entries = await run('readonly', (s) => s.getAll());
      return entries
        .filter((e) => account === undefined || e.account === account)
        .sort((a, b) => a.queued_at - b.queued_at);
    },
    get(clientId) {
      return run('readonly', (s) => s.get(clientId));
    },
    put(entry) {
      return run('readwrite', (s) => s.put(entry));
    },
    remove(clientId) {
      return run('readwrite', (s) => s.delete(clientId));
    },
    /** Delete the whole database (logout on a shared phone). */
    async destroy() {
      if (opening) {
        try { (await opening).close(); } catch (e) { /* never opened */ }
        opening = null;
      }
      if (!('indexedDB' in window)) return;
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
    },
  };
  FieldLog.store = store;
})();
