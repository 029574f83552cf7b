/* FieldLog: photos on the log form (issue 6).
 *
 * The form's <input type="file" name="photos" capture> works without JavaScript. With it, two
 * big buttons take a photo or choose one from the phone; each picture is scaled on the phone
 * (longest side at most 1600 px, JPEG, upright; re-encoding leaves its EXIF and GPS behind)
 * before it is sent with the form or waits in the queue with its entry.
 */
(function () {
  'use strict';
  const FieldLog = (window.FieldLog = window.FieldLog || {});
  const MAX_SIDE = 1600;
  const THUMB_SIDE = 192;
  const QUALITY = 0.85;

  function readAsDataURL(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  /** A drawable picture, turned upright by its EXIF orientation. */
  async function decode(file) {
    if ('createImageBitmap' in window) {
      try {
        return await createImageBitmap(file, {imageOrientation: 'from-image'});
      } catch (error) { /* e.g. an old browser without the option: try an <img> */ }
    }
    // The pages' Content-Security-Policy allows data: images, not blob: ones.
    const img = new Image();
    img.src = await readAsDataURL(file);
    await img.decode();
    return img;
  }

  function draw(source, width, height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';  // transparent PNG areas become white, not black, in a JPEG
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, width, height);
    return canvas;
  }

  function fit(width, height, side) {
    const ratio = Math.min(1, side / Math.max(width, height));
    return [Math.max(1, Math.round(width * ratio)), Math.max(1, Math.round(height * ratio))];
  }

  /** Scale one picture: {blob (JPEG), thumb (data: URL), width, height}. */
  async function scale(file) {
    const source = await decode(file);
    try {
      const [width, height] = fit(source.width, source.height, MAX_SIDE);
      const canvas = draw(source, width, height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
      if (!blob) throw new Error('encode');
      const [tw, th] = fit(width, height, THUMB_SIDE);
      const thumb = draw(canvas, tw, th).toDataURL('image/jpeg', 0.7);
      return {blob, thumb, width, height};
    } finally {
      if (source.close) source.close();
    }
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function button(text, className) {
    const el = document.createElement('button');
    el.type = 'button';
    el.className = className;
    el.textContent = text;
    return el;
  }

  /**
   * Enhance the photo field of a form. Returns {items, ready(), set(items), count()} or null.
   * items: [{client_id, blob, thumb, width, height}] in the order she added them.
   */
  function attach(form) {
    const field = form.querySelector('[data-photos-max]');
    const input = field && field.querySelector('input[type=file]');
    if (!field || !input || !window.FieldLog.text) return null;
    const t = FieldLog.text;
    const max = Math.max(0, parseInt(field.dataset.photosMax, 10) || 0);
    const items = [];
    const pending = new Set();

    const gallery = document.createElement('input');
    gallery.type = 'file';
    gallery.accept = 'image/*';
    gallery.multiple = true;
    gallery.hidden = true;
    gallery.setAttribute('aria-hidden', 'true');
    gallery.tabIndex = -1;
    input.hidden = true;  // the buttons below open it; the script sends the scaled copies

    const actions = document.createElement('div');
    actions.className = 'photo-actions';
    const take = button(t.take_photo, 'button photo-take');
    const choose = button(t.choose_photo, 'button photo-choose');
    actions.append(take, choose);
    const list = document.createElement('ul');
    list.className = 'photo-previews';
    const problem = document.createElement('p');
    problem.className = 'photo-problem field-errors';
    problem.setAttribute('role', 'alert');
    problem.hidden = true;
    input.after(actions, gallery, list, problem);

    take.addEventListener('click', () => input.click());
    choose.addEventListener('click', () => gallery.click());
    input.addEventListener('change', () => add(input));
    gallery.addEventListener('change', () => add(gallery));

    function say(message) {
      problem.textContent = message || '';
      problem.hidden = !message;
    }

    function add(source) {
      const files = Array.from(source.files || []);
      source.value = '';  // the same picture can be picked again after removing it
      say('');
      for (const file of files) {
        if (items.length + pending.size >= max) {
          say(t.photo_limit.replace('%(n)s', max));
          break;
        }
        const job = scale(file).then((scaled) => {
          items.push({client_id: uuid(), ...scaled});
        }).catch(() => say(t.photo_unreadable)).finally(() => {
          pending.delete(job);
          render();
        });
        pending.add(job);
      }
      render();
    }

    function render() {
      list.replaceChildren(...items.map((item, i) => {
        const li = document.createElement('li');
        const img = document.createElement('img');
        img.src = item.thumb;
        img.alt = t.photo_alt.replace('%(n)s', i + 1);
        const remove = button('×', 'photo-remove');
        remove.setAttribute('aria-label', t.remove_photo.replace('%(n)s', i + 1));
        remove.addEventListener('click', () => {
          items.splice(items.indexOf(item), 1);
          say('');
          render();
        });
        li.append(img, remove);
        return li;
      }));
      for (let i = 0; i < pending.size; i += 1) {
        const li = document.createElement('li');
        li.className = 'photo-pending';
        li.textContent = '…';
        list.append(li);
      }
      const full = items.length + pending.size >= max;
      take.disabled = choose.disabled = full;
      field.classList.toggle('photos-full', full);
    }

    render();
    return {
      items,
      /** Wait for pictures still being scaled. */
      async ready() {
        while (pending.size) await Promise.allSettled(Array.from(pending));
      },
      set(saved) {
        items.splice(0, items.length, ...saved.slice(0, max));
        render();
      },
    };
  }

  FieldLog.photos = {attach, scale, uuid, MAX_SIDE};
})();
