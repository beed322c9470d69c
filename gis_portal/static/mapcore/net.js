/* JSON requests that never end in an unhandled rejection, and "latest request wins". */
import { notify } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

// The form's non-empty fields as query parameters.
export function query(form) {
  const params = new URLSearchParams();
  if (!form) { return params; }
  new FormData(form).forEach((value, key) => {
    if (value !== "") { params.append(key, value); }
  });
  return params;
}

async function request(url, { signal, method = "GET", body, headers = {} }) {
  const response = await fetch(url, {
    method, body, signal, credentials: "same-origin",
    headers: { Accept: "application/json", ...headers },
  });
  const text = await response.text();
  let data = {};
  if (text) {
    try { data = JSON.parse(text); } catch (err) { data = null; }
  }
  if (!response.ok) {
    throw new Error((data && (data.error || data.detail)) || "HTTP " + response.status);
  }
  if (data === null) { throw new Error(gettext("máy chủ trả lời không đúng định dạng")); }
  return data;
}

function failureText(err) {
  // fetch() itself rejects with a TypeError only when the network fails.
  return err instanceof TypeError ? gettext("mất kết nối tới máy chủ") : err.message;
}

export function loadFailed(message) {
  notify(interpolate(gettext("Không tải được dữ liệu: %(reason)s"), { reason: message }));
}

// Resolves to the parsed body (an empty body gives {}), or to null once the failure has been
// reported through onError (default: the page's status line). An aborted request resolves to
// null silently. It never rejects.
export async function fetchJSON(url, { onError = loadFailed, ...options } = {}) {
  try {
    return await request(url, options);
  } catch (err) {
    if (err.name !== "AbortError") { onError(failureText(err)); }
    return null;
  }
}

// One per kind of reload (filters, pan/zoom): starting a request aborts the previous one, and a
// response that still arrives late resolves to null, so it can never overwrite a newer result.
export function latestRequest() {
  let controller = null;
  let serial = 0;
  return {
    fetch(url, { onError = loadFailed, ...options } = {}) {
      if (controller) { controller.abort(); }
      controller = new AbortController();
      const mine = ++serial;
      const stillLatest = () => mine === serial;
      return fetchJSON(url, {
        ...options,
        signal: controller.signal,
        onError: (message) => { if (stillLatest()) { onError(message); } },
      }).then((data) => (stillLatest() ? data : null));
    },
  };
}
