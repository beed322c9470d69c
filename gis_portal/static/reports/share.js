/* Share a public report: the phone's own share sheet (Zalo, Facebook, Messenger…) where the
   browser has one, and "copy the link" everywhere. */
import { gettext, interpolate } from "../mapcore/i18n.js";

const box = document.querySelector(".share[data-url]");
if (box) {
  const url = box.dataset.url;
  const status = box.querySelector(".share-status");
  const say = (text) => { if (status) { status.textContent = text; } };
  const native = box.querySelector("[data-share-native]");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", () => {
      navigator.share({ title: box.dataset.title, url }).catch(() => {});
    });
  }
  const copy = box.querySelector("[data-share-copy]");
  if (copy) {
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(url);
        say(gettext("Đã chép đường dẫn."));
      } catch (err) {
        say(interpolate(gettext("Không chép được; đường dẫn: %(url)s"), { url }));
      }
    });
  }
}
