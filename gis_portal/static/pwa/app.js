/* The phone app on the report page: the service worker, and the list of reports waiting to be
   sent ("đang chờ gửi") with what became of them. Report text enters the page as text only. */
import { el } from "../mapcore/dom.js";
import { gettext, interpolate } from "../mapcore/i18n.js";
import { STATE, outboxAdd, outboxFlush, outboxList, outboxRemove, outboxRetry } from "./outbox.js";

const SYNC_TAG = "dienbien-outbox";
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 5 * 60 * 1000;

// Registered from the report page; once active it serves every page of the site.
export async function workerRegister(url) {
  if (!("serviceWorker" in navigator)) { return null; }
  try {
    return await navigator.serviceWorker.register(url, { scope: "/", type: "module" });
  } catch (err) {
    return null; // a browser without module workers: the page still queues and sends itself
  }
}

function stateLine(item, loginUrl) {
  if (item.state === STATE.SENT) {
    return [gettext("Đã gửi — mã phản ánh") + " ",
      el("a", { href: item.link || "#", class: "reference" }, item.reference)];
  }
  if (item.state === STATE.LOGIN) {
    return [gettext("Chưa gửi được: phiên đăng nhập đã hết.") + " ",
      el("a", { href: loginUrl }, gettext("Đăng nhập lại")),
      " — " + gettext("phản ánh vẫn được giữ trên máy và sẽ tự gửi sau khi đăng nhập.")];
  }
  if (item.state === STATE.REFUSED) {
    return [interpolate(gettext("Không gửi được: %(reason)s"), { reason: item.message })];
  }
  return [gettext("đang chờ gửi — sẽ tự gửi khi có kết nối")];
}

// section: the page's outbox box (its <ul> lists the drafts); urls: { worker, session,
// submitApi, form, login }. Returns queue(fields, files) for the form.
export function outboxPanel(section, urls) {
  const list = section.querySelector("ul");
  const note = section.querySelector(".outbox-note");
  const sendUrls = { sessionUrl: urls.session, submitUrl: urls.submitApi, formUrl: urls.form };
  let registration = null;

  async function show() {
    const items = await outboxList();
    list.replaceChildren(...items.map((item) => {
      const buttons = [];
      if (item.state === STATE.REFUSED || item.state === STATE.LOGIN) {
        const again = el("button", { type: "button" }, gettext("Gửi lại"));
        again.addEventListener("click", () => outboxRetry(item.key).then(flush));
        buttons.push(" ", again);
      }
      if (item.state !== STATE.PENDING) {
        const remove = el("button", { type: "button" },
          item.state === STATE.SENT ? gettext("Ẩn") : gettext("Xóa bản nháp"));
        remove.addEventListener("click", () => outboxRemove(item.key).then(show));
        buttons.push(" ", remove);
      }
      return el("li", { class: "outbox-item", "data-state": item.state },
        el("strong", {}, item.title), " — ",
        el("span", { class: "outbox-state" }, ...stateLine(item, urls.login)), ...buttons);
    }));
    section.hidden = items.length === 0;
    note.textContent = navigator.onLine ? "" : gettext(
      "Đang mất kết nối. Phản ánh soạn lúc này được giữ trên máy và tự gửi khi có mạng trở lại.");
  }

  // Online but the send failed (an answer lost, the server busy): again later, less often.
  let retryDelay = RETRY_FIRST_MS;
  let retryTimer = null;
  async function flush() {
    clearTimeout(retryTimer);
    const result = await outboxFlush(sendUrls);
    await show();
    if (result.retry && navigator.onLine) {
      retryTimer = setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    } else {
      retryDelay = RETRY_FIRST_MS;
    }
  }

  async function queue(fields, files) {
    await outboxAdd({ fields, files });
    await show();
    // Background Sync sends even after the page is closed; without it, the 'online' event
    // below or the next visit does.
    if (registration && registration.sync) {
      try { await registration.sync.register(SYNC_TAG); } catch (err) { /* page-side only */ }
    }
    if (navigator.onLine) { await flush(); }
  }

  window.addEventListener("online", () => { retryDelay = RETRY_FIRST_MS; flush(); });
  window.addEventListener("offline", () => { show(); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "outbox-changed") { show(); }
    });
  }
  workerRegister(urls.worker).then((reg) => { registration = reg; });
  show().then(() => { if (navigator.onLine) { flush(); } });
  return queue;
}
