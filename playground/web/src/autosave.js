// Autosave: the working project is written to IndexedDB about a second after each change (and at
// once when the tab is hidden or closed), and comes back when the page opens again. The last
// few projects stay there too ("Recent projects" in the file menu).
//
// Database `starling-projects`, four stores:
//   projects  {id, title, time, currentTarget, files: [md5ext…]}   (small: the list reads it)
//   bodies    {id, json}                                           (project.json as text)
//   files     md5ext → Uint8Array                                  (each file once, shared)
//   meta      'current' → id of the project to restore
// Files are content-addressed (their name is the MD5 of their bytes), so a file is written once
// whatever the number of saves or projects using it, and removed when no kept project uses it.
// Every storage problem (private mode, quota, a browser without IndexedDB) becomes one gentle
// note through `onProblem(key)`; the page goes on working.

const DB_NAME = 'starling-projects';
const DB_VERSION = 1;

const request = (req) => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

const done = (tx) => new Promise((resolve, reject) => {
  tx.oncomplete = () => resolve();
  tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  tx.onerror = () => reject(tx.error ?? new Error('error'));
});

function newId() {
  return `p${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
}

export class Autosave {
  constructor({ name = DB_NAME, keep = 10, delay = 1000 } = {}) {
    this.name = name;
    this.keep = keep;
    this.delay = delay;
    this.ids = new WeakMap();
    /** project → its title and project.json as last saved (or as first seen). */
    this.saved = new WeakMap();
    this.known = new Set();
    this.pending = null;
    this.timer = 0;
    this.chain = Promise.resolve();
    this.dbPromise = null;
    this.problem = null;
    /** `(key) => void`: a storage problem to tell the person about (files.storage*). */
    this.onProblem = null;
    /** Saves written (tests). */
    this.saves = 0;
  }

  report(key) {
    if (this.problem === key) return;
    this.problem = key;
    this.onProblem?.(key);
  }

  /** The database, or null when this browser will not keep one. */
  db() {
    if (!this.dbPromise) {
      this.dbPromise = (async () => {
        if (typeof indexedDB === 'undefined' || !indexedDB) throw new Error('no IndexedDB');
        const open = indexedDB.open(this.name, DB_VERSION);
        open.onupgradeneeded = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('projects')) db.createObjectStore('projects', { keyPath: 'id' });
          if (!db.objectStoreNames.contains('bodies')) db.createObjectStore('bodies', { keyPath: 'id' });
          if (!db.objectStoreNames.contains('files')) db.createObjectStore('files');
          if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
        };
        const db = await request(open);
        db.onversionchange = () => db.close();
        const keys = await request(db.transaction('files').objectStore('files').getAllKeys());
        for (const k of keys) this.known.add(String(k));
        return db;
      })().catch((e) => {
        console.warn('autosave: no IndexedDB here', e);
        this.report('files.storageOff');
        return null;
      });
    }
    return this.dbPromise;
  }

  /** The id under which `project` is saved (undefined before its first save). */
  idOf(project) {
    return project ? this.ids.get(project) : undefined;
  }

  /** `project` is the saved project `id` (restored or reopened). */
  adopt(project, id) {
    this.ids.set(project, id);
  }

  /** The working project changed: save it in about a second. */
  changed(project) {
    this.pending = project;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delay);
  }

  /** Remembers `project` as it is now, so that `saveIfChanged` knows what changed since. */
  baseline(project, again = false) {
    if (this.saved.has(project) && !again) return;
    try {
      this.saved.set(project, `${project.title}\n${JSON.stringify(project.json)}`);
    } catch { /* saved on its first change */ }
  }

  /**
   * Saves `project` if it differs from what was last saved (or first seen): edits that reached
   * project.json without a `change` event (the editor's last fraction of a second).
   */
  saveIfChanged(project) {
    if (this.pending === project) return this.flush();
    try {
      if (this.saved.get(project) === `${project.title}\n${JSON.stringify(project.json)}`) return this.chain;
    } catch {
      return this.chain;
    }
    return this.saveNow(project);
  }

  /** Writes a pending change now. */
  flush() {
    clearTimeout(this.timer);
    const project = this.pending;
    this.pending = null;
    return project ? this.saveNow(project) : this.chain;
  }

  /**
   * Saves `project` now (one transaction: new files, project.json, the entry, "current").
   * `fresh`: as a new entry even if it had an id. Resolves true when written.
   */
  saveNow(project, { fresh = false } = {}) {
    if (fresh || !this.ids.has(project)) this.ids.set(project, newId());
    if (this.pending === project) {
      this.pending = null;
      clearTimeout(this.timer);
    }
    const id = this.ids.get(project);
    // Read the project now (not when the queue gets to it): what is saved is what was there.
    let body;
    let files;
    try {
      body = JSON.stringify(project.json);
      files = [...(project.files ?? new Map())];
    } catch (e) {
      console.warn('autosave: the project could not be read', e);
      return Promise.resolve(false);
    }
    this.saved.set(project, `${project.title}\n${body}`);
    const entry = {
      id,
      title: String(project.title ?? ''),
      time: Date.now(),
      currentTarget: project.currentTarget | 0,
      files: files.map(([name]) => name),
    };
    this.chain = this.chain.then(() => this.write(entry, body, files)).catch(() => false);
    return this.chain;
  }

  async write(entry, body, files) {
    const db = await this.db();
    if (!db) return false;
    const added = [];
    try {
      const tx = db.transaction(['projects', 'bodies', 'files', 'meta'], 'readwrite');
      const fileStore = tx.objectStore('files');
      for (const [name, bytes] of files) {
        if (this.known.has(name)) continue;
        // A view into a larger buffer would store the whole buffer: store its own bytes.
        const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
        fileStore.put(own, name);
        added.push(name);
      }
      tx.objectStore('bodies').put({ id: entry.id, json: body });
      tx.objectStore('projects').put(entry);
      tx.objectStore('meta').put(entry.id, 'current');
      await done(tx);
    } catch (e) {
      console.warn('autosave: could not save', e);
      this.report(e?.name === 'QuotaExceededError' ? 'files.storageFull' : 'files.storageFailed');
      return false;
    }
    for (const name of added) this.known.add(name);
    this.problem = null;
    this.saves += 1;
    await this.prune(entry.id);
    return true;
  }

  /** A new project starts (not saved until its first change): reload shows a fresh one too. */
  async startFresh(project) {
    await this.flush();
    this.ids.delete(project);
    const db = await this.db();
    if (!db) return;
    try {
      const tx = db.transaction('meta', 'readwrite');
      tx.objectStore('meta').delete('current');
      await done(tx);
    } catch (e) {
      console.warn('autosave: could not start afresh', e);
    }
  }

  /** Recent projects, newest first: [{id, title, time}]. */
  async list() {
    const db = await this.db();
    if (!db) return [];
    try {
      const all = await request(db.transaction('projects').objectStore('projects').getAll());
      return all.sort((a, b) => b.time - a.time).map(({ id, title, time }) => ({ id, title, time }));
    } catch (e) {
      console.warn('autosave: could not list', e);
      return [];
    }
  }

  /** A saved project: {id, json (parsed), files (Map), title, currentTarget, time}, or null. */
  async load(id) {
    const db = await this.db();
    if (!db || !id) return null;
    const tx = db.transaction(['projects', 'bodies', 'files']);
    const entry = await request(tx.objectStore('projects').get(id));
    const body = await request(tx.objectStore('bodies').get(id));
    if (!entry || !body) return null;
    const files = new Map();
    const store = tx.objectStore('files');
    const bytes = await Promise.all(entry.files.map((name) => request(store.get(name))));
    entry.files.forEach((name, i) => {
      const b = bytes[i];
      if (b) files.set(name, b instanceof Uint8Array ? b : new Uint8Array(b));
    });
    return {
      id,
      json: JSON.parse(body.json),
      files,
      title: entry.title,
      currentTarget: entry.currentTarget,
      time: entry.time,
    };
  }

  /** The project to restore when the page opens (the last one worked on), or null. */
  async restore() {
    const db = await this.db();
    if (!db) return null;
    const id = await request(db.transaction('meta').objectStore('meta').get('current'));
    return id ? this.load(id) : null;
  }

  /** Deletes a saved project (and the files no other project uses). */
  remove(id) {
    // In the same queue as the saves: a file is never skipped as stored while it is deleted.
    this.chain = this.chain.then(() => this.removeNow(id)).catch(() => false);
    return this.chain;
  }

  async removeNow(id) {
    const db = await this.db();
    if (!db) return;
    try {
      const tx = db.transaction(['projects', 'bodies', 'meta'], 'readwrite');
      tx.objectStore('projects').delete(id);
      tx.objectStore('bodies').delete(id);
      const meta = tx.objectStore('meta');
      const current = await request(meta.get('current'));
      if (current === id) meta.delete('current');
      await done(tx);
      // The working project, if it was this one, is saved afresh on its next change.
      await this.collect();
    } catch (e) {
      console.warn('autosave: could not delete', e);
    }
  }

  /** Keeps the newest `keep` projects (and always `keepId`). */
  async prune(keepId) {
    const db = await this.db();
    if (!db) return;
    try {
      const all = await request(db.transaction('projects').objectStore('projects').getAll());
      if (all.length <= this.keep) return;
      const old = all.sort((a, b) => b.time - a.time).slice(this.keep).filter((e) => e.id !== keepId);
      const tx = db.transaction(['projects', 'bodies'], 'readwrite');
      for (const e of old) {
        tx.objectStore('projects').delete(e.id);
        tx.objectStore('bodies').delete(e.id);
      }
      await done(tx);
      await this.collect();
    } catch (e) {
      console.warn('autosave: could not tidy up', e);
    }
  }

  /** Removes the files no kept project uses. */
  async collect() {
    const db = await this.db();
    if (!db) return;
    const tx = db.transaction(['projects', 'files'], 'readwrite');
    const all = await request(tx.objectStore('projects').getAll());
    const used = new Set(all.flatMap((e) => e.files));
    const keys = await request(tx.objectStore('files').getAllKeys());
    for (const k of keys) {
      if (!used.has(k)) {
        tx.objectStore('files').delete(k);
        this.known.delete(k);
      }
    }
    await done(tx);
  }
}

let shared = null;
/** The page's one Autosave. */
export function pageAutosave() {
  if (!shared) shared = new Autosave();
  return shared;
}
