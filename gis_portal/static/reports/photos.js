/* The report's photos and videos, shown back as thumbnails before they are sent: each new pick
   is added to the ones already chosen (the file input alone would replace them), checked for
   type, size and count the way the portal will check them, and can be removed again. The
   form's own file input always holds the list, so the form post, the offline queue and a page
   without this script all send the same files.

   Thumbnails are drawn on a canvas from the file itself (createImageBitmap): the portal's CSP
   (img-src 'self') refuses blob: URLs, and a canvas needs no URL at all. */
import { el } from "../mapcore/dom.js";
import { gettext, interpolate } from "../mapcore/i18n.js";

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"];
const VIDEO_TYPES = ["video/mp4", "video/webm", "video/quicktime"];
const THUMB_WIDTH = 160;
const MB = 2 ** 20;

function sizeText(bytes) {
  return bytes < MB ? Math.max(1, Math.round(bytes / 1024)) + " KB" : (bytes / MB).toFixed(1) + " MB";
}

async function drawThumbnail(canvas, file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { resizeWidth: THUMB_WIDTH, resizeQuality: "medium" });
  } catch (err) {
    try { bitmap = await createImageBitmap(file); } catch (again) { return; } // undecodable
  }
  const scale = Math.min(1, THUMB_WIDTH / bitmap.width);
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  if (bitmap.close) { bitmap.close(); }
}

// input: the form's file input; list: its <ul> of thumbnails; status: a live line;
// limits: { files, imageBytes, videoBytes }; onChange(files, added): after every change.
export function photoPicker({ input, list, status, limits, onChange = () => {} }) {
  let files = [];

  function problem(file) {
    const name = file.name || gettext("tệp không tên");
    if (IMAGE_TYPES.includes(file.type)) {
      if (file.size > limits.imageBytes) {
        return interpolate(gettext("Ảnh “%(name)s” quá lớn (%(size)s; tối đa %(max)s MB)."),
          { name, size: sizeText(file.size), max: limits.imageBytes / MB });
      }
      return "";
    }
    if (VIDEO_TYPES.includes(file.type)) {
      if (file.size > limits.videoBytes) {
        return interpolate(gettext("Video “%(name)s” quá lớn (%(size)s; tối đa %(max)s MB)."),
          { name, size: sizeText(file.size), max: limits.videoBytes / MB });
      }
      return "";
    }
    return interpolate(
      gettext("“%(name)s” không phải ảnh (JPEG, PNG, WebP) hay video (MP4, WebM, MOV)."), { name });
  }

  // The input holds exactly the list (a DataTransfer is the one way to set its files).
  function sync() {
    const transfer = new DataTransfer();
    files.forEach((file) => transfer.items.add(file));
    input.files = transfer.files;
  }

  function remove(index) {
    files = files.filter((_, i) => i !== index);
    sync();
    render();
    status.textContent = countText();
    onChange(files, []);
    // Focus stays in the list (the next photo's button) or goes back to the picker.
    const buttons = list.querySelectorAll("button");
    (buttons[Math.min(index, buttons.length - 1)] || input).focus();
  }

  function item(file, index) {
    const number = index + 1;
    const label = interpolate(gettext("Ảnh %(n)s: %(name)s"), { n: number, name: file.name });
    let preview;
    if (file.type.startsWith("image/")) {
      preview = el("canvas", { class: "photo-thumb", role: "img", "aria-label": label,
        width: THUMB_WIDTH, height: 120 });
      drawThumbnail(preview, file);
    } else {
      preview = el("span", { class: "photo-thumb video-thumb", role: "img",
        "aria-label": interpolate(gettext("Video %(n)s: %(name)s"), { n: number, name: file.name }) },
      gettext("Video"));
    }
    const remover = el("button", { type: "button", class: "photo-remove" },
      gettext("Xoá"), el("span", { class: "visually-hidden" }, " " + label));
    remover.addEventListener("click", () => remove(index));
    return el("li", { class: "photo-item" }, preview,
      el("span", { class: "photo-name" }, file.name + " (" + sizeText(file.size) + ")"), remover);
  }

  function render() {
    list.replaceChildren(...files.map(item));
    list.hidden = files.length === 0;
  }

  function countText() {
    if (!files.length) { return gettext("Chưa chọn ảnh nào."); }
    return interpolate(gettext("Đã chọn %(n)s/%(max)s tệp."), { n: files.length, max: limits.files });
  }

  // Adds what passes the checks; says what was refused and why.
  function add(picked) {
    const refused = [];
    const added = [];
    for (const file of picked) {
      const why = problem(file);
      if (why) { refused.push(why); continue; }
      if (files.length >= limits.files) {
        refused.push(interpolate(gettext("Tối đa %(max)s tệp: “%(name)s” không được thêm."),
          { max: limits.files, name: file.name }));
        continue;
      }
      files.push(file);
      added.push(file);
    }
    sync();
    render();
    status.textContent = [countText(), ...refused].join(" ");
    onChange(files, added);
  }

  input.addEventListener("change", () => {
    // The input now holds only the new pick; the list keeps the earlier ones.
    const picked = Array.from(input.files);
    add(picked);
  });
  status.textContent = countText();

  return {
    files: () => files.slice(),
    // A draft's photos back (no onChange: they are already stored).
    restore(saved) {
      files = saved.filter((file) => !problem(file)).slice(0, limits.files);
      sync();
      render();
      status.textContent = countText();
    },
    clear() { files = []; sync(); render(); status.textContent = countText(); },
  };
}
